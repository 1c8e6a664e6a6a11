//! Renders `data "aws_iam_policy_document"` to the JSON policy the provider would produce, so the
//! same policy analysis applies to it as to `jsonencode(...)` policies and live documents.
//! Values known only after apply stay as unknown markers inside the document.

use serde_json::{json, Map, Value as Json};

use super::value::Val;

pub fn render(values: &Val) -> Val {
    let Some(m) = values.as_map() else {
        return Val::error("policy document is not an object");
    };
    let mut statements: Vec<Json> = Vec::new();
    // source_policy_documents come first; statements with a Sid replace earlier ones.
    for key in ["source_policy_documents", "source_json"] {
        for doc in list_of(m.get(key)) {
            statements.extend(statements_of(&doc));
        }
    }
    for st in m.get("statement").and_then(Val::as_list).unwrap_or(&[]) {
        merge_statement(&mut statements, statement(st));
    }
    for key in ["override_policy_documents", "override_json"] {
        for doc in list_of(m.get(key)) {
            for st in statements_of(&doc) {
                merge_statement(&mut statements, st);
            }
        }
    }
    let mut doc = Map::new();
    doc.insert(
        "Version".into(),
        m.get("version")
            .map(Val::to_json)
            .unwrap_or(json!("2012-10-17")),
    );
    if let Some(id) = m.get("policy_id") {
        doc.insert("Id".into(), id.to_json());
    }
    doc.insert("Statement".into(), Json::Array(statements));
    Val::Str(serde_json::to_string(&Json::Object(doc)).unwrap_or_default())
}

fn list_of(v: Option<&Val>) -> Vec<Json> {
    let docs: Vec<&Val> = match v {
        Some(Val::List(l)) => l.iter().collect(),
        Some(v @ Val::Str(_)) => vec![v],
        _ => Vec::new(),
    };
    docs.into_iter()
        .filter_map(|d| d.as_str().and_then(|s| serde_json::from_str(s).ok()))
        .collect()
}

fn statements_of(doc: &Json) -> Vec<Json> {
    match doc.get("Statement") {
        Some(Json::Array(a)) => a.clone(),
        Some(o @ Json::Object(_)) => vec![o.clone()],
        _ => Vec::new(),
    }
}

fn merge_statement(statements: &mut Vec<Json>, st: Json) {
    if let Some(sid) = st
        .get("Sid")
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
    {
        if let Some(existing) = statements
            .iter_mut()
            .find(|s| s.get("Sid").and_then(Json::as_str) == Some(sid))
        {
            *existing = st;
            return;
        }
    }
    statements.push(st);
}

/// One-element lists render as a bare string, as the provider does.
fn string_or_list(v: &Val) -> Json {
    match v {
        Val::List(l) if l.len() == 1 => l[0].to_json(),
        other => other.to_json(),
    }
}

fn statement(st: &Val) -> Json {
    let Some(m) = st.as_map() else {
        return Json::Null;
    };
    let mut out = Map::new();
    if let Some(sid) = m.get("sid") {
        out.insert("Sid".into(), sid.to_json());
    }
    out.insert(
        "Effect".into(),
        // Absent or null, the provider writes Allow.
        m.get("effect")
            .map(Val::to_json)
            .filter(|v| !v.is_null())
            .unwrap_or(json!("Allow")),
    );
    for (tf, aws) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = m.get(tf) {
            out.insert(aws.into(), string_or_list(v));
        }
    }
    for (tf, aws) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let Some(blocks) = m.get(tf).and_then(Val::as_list) else {
            continue;
        };
        let mut p = Map::new();
        let mut star = false;
        for b in blocks {
            let Some(b) = b.as_map() else { continue };
            let kind = b.get("type").and_then(Val::as_string).unwrap_or_default();
            let ids = b
                .get("identifiers")
                .cloned()
                .unwrap_or(Val::List(Vec::new()));
            if kind == "*" {
                star = true;
                continue;
            }
            let entry = p.entry(kind).or_insert(Json::Array(Vec::new()));
            if let (Json::Array(a), Val::List(l)) = (entry, &ids) {
                a.extend(l.iter().map(Val::to_json));
            }
        }
        let rendered = if star && p.is_empty() {
            json!("*")
        } else {
            Json::Object(
                p.into_iter()
                    .map(|(k, v)| match v {
                        Json::Array(a) if a.len() == 1 => (k, a[0].clone()),
                        v => (k, v),
                    })
                    .collect(),
            )
        };
        out.insert(aws.into(), rendered);
    }
    if let Some(conds) = m.get("condition").and_then(Val::as_list) {
        let mut c: Map<String, Json> = Map::new();
        for cond in conds {
            let Some(cond) = cond.as_map() else { continue };
            let (Some(test), Some(var)) = (
                cond.get("test").and_then(Val::as_string),
                cond.get("variable").and_then(Val::as_string),
            ) else {
                continue;
            };
            let values = cond.get("values").map(string_or_list).unwrap_or(Json::Null);
            let entry = c.entry(test).or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(o) = entry {
                o.insert(var, values);
            }
        }
        out.insert("Condition".into(), Json::Object(c));
    }
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn s(x: &str) -> Val {
        Val::Str(x.into())
    }

    #[test]
    fn renders_statement_with_principals_and_conditions() {
        let mut st = BTreeMap::new();
        st.insert("actions".into(), Val::List(vec![s("sts:AssumeRole")]));
        let mut p = BTreeMap::new();
        p.insert("type".into(), s("AWS"));
        p.insert(
            "identifiers".into(),
            Val::List(vec![s("arn:aws:iam::111122223333:root")]),
        );
        st.insert("principals".into(), Val::List(vec![Val::Map(p)]));
        let mut c = BTreeMap::new();
        c.insert("test".into(), s("StringEquals"));
        c.insert("variable".into(), s("sts:ExternalId"));
        c.insert("values".into(), Val::List(vec![s("x")]));
        st.insert("condition".into(), Val::List(vec![Val::Map(c)]));
        let mut doc = BTreeMap::new();
        doc.insert("statement".into(), Val::List(vec![Val::Map(st)]));
        let Val::Str(out) = render(&Val::Map(doc)) else {
            panic!()
        };
        let j: Json = serde_json::from_str(&out).unwrap();
        assert_eq!(
            j,
            json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Condition": {"StringEquals": {"sts:ExternalId": "x"}}
            }]})
        );
    }
}
