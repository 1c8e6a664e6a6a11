//! IAM policy documents in one normalized shape: `Statement` always a list; `Action`,
//! `NotAction`, `Resource`, `NotResource` always lists; `Principal` always an object of lists
//! (`"*"` becomes `{"AWS": ["*"]}`); condition values always lists. Unknowns stay unknown.

use serde_json::{json, Map, Value as Json};

use crate::terraform::value::Val;

/// A policy given as a JSON string (or already as an object) in normalized form.
pub fn normalize_policy(v: &Val) -> Json {
    match v.plain() {
        Val::Str(s) if s.trim().is_empty() => Json::Null,
        Val::Str(s) => match serde_json::from_str::<Json>(s) {
            Ok(doc) => normalize_document(&doc),
            Err(e) => json!({"invalid": format!("policy is not valid JSON: {e}")}),
        },
        Val::Map(_) => normalize_document(&v.to_json()),
        Val::Unknown(_) => v.to_json(),
        _ => Json::Null,
    }
}

pub fn normalize_document(doc: &Json) -> Json {
    if crate::model::is_unknown(doc) {
        return doc.clone();
    }
    let statements = match doc.get("Statement") {
        Some(Json::Array(a)) => a.iter().map(normalize_statement).collect(),
        Some(o @ Json::Object(_)) => vec![normalize_statement(o)],
        _ => Vec::new(),
    };
    let mut out = Map::new();
    if let Some(v) = doc.get("Version") {
        out.insert("Version".into(), v.clone());
    }
    out.insert("Statement".into(), Json::Array(statements));
    Json::Object(out)
}

fn as_list(v: &Json) -> Json {
    match v {
        Json::Array(_) => v.clone(),
        Json::Null => json!([]),
        other if crate::model::is_unknown(other) => other.clone(),
        other => json!([other]),
    }
}

fn normalize_statement(st: &Json) -> Json {
    let Json::Object(m) = st else {
        return json!({"invalid": "statement is not an object"});
    };
    let mut out = Map::new();
    for (k, v) in m {
        let nv = match k.as_str() {
            "Action" | "NotAction" | "Resource" | "NotResource" => as_list(v),
            // `"*"`, or the shapes AWS rejects (a bare ARN, a list, a number), read as the AWS
            // principals they name, so that no rule meets a shape it cannot walk.
            "Principal" | "NotPrincipal" => match v {
                Json::Object(p) => {
                    Json::Object(p.iter().map(|(k, v)| (k.clone(), as_list(v))).collect())
                }
                other if crate::model::is_unknown(other) => other.clone(),
                other => json!({"AWS": as_list(other)}),
            },
            "Condition" => match v {
                Json::Object(ops) => Json::Object(
                    ops.iter()
                        .map(|(op, kv)| {
                            let kv = match kv {
                                Json::Object(kv) => Json::Object(
                                    kv.iter().map(|(k, v)| (k.clone(), as_list(v))).collect(),
                                ),
                                other => other.clone(),
                            };
                            (op.clone(), kv)
                        })
                        .collect(),
                ),
                other => other.clone(),
            },
            _ => v.clone(),
        };
        out.insert(k.clone(), nv);
    }
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_shapes_become_an_object_of_lists() {
        for (given, want) in [
            (json!("*"), json!({"AWS": ["*"]})),
            (
                json!("arn:aws:iam::1:root"),
                json!({"AWS": ["arn:aws:iam::1:root"]}),
            ),
            (json!(["a", "b"]), json!({"AWS": ["a", "b"]})),
            (json!(5), json!({"AWS": [5]})),
            (
                json!({"Service": "ec2.amazonaws.com"}),
                json!({"Service": ["ec2.amazonaws.com"]}),
            ),
        ] {
            let doc =
                normalize_document(&json!({"Statement": {"Effect": "Allow", "Principal": given}}));
            assert_eq!(doc["Statement"][0]["Principal"], want);
        }
    }

    #[test]
    fn normalizes_scalars_to_lists() {
        let doc = Val::Str(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#.into());
        assert_eq!(
            normalize_policy(&doc),
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"], "Principal": {"AWS": ["*"]},
                "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}]})
        );
    }
}
