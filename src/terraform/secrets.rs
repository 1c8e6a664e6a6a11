//! Attributes that hold secret values (`data/terraform/secret-attributes.tsv`: those the AWS and
//! Kubernetes providers mark sensitive, and those where secrets go in practice). Their values
//! are made sensitive as soon as they are evaluated, so they are never written anywhere, and so
//! is everything computed from them (a name, a tag, another resource's attribute).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::value::Val;

static LIST: &str = include_str!("../../data/terraform/secret-attributes.tsv");

/// One secret-bearing attribute of a resource type.
pub struct SecretPath {
    /// Segments; `*` for every element or value.
    pub segments: Vec<&'static str>,
    /// The provider marks it sensitive (its value is a secret whatever it is), rather than it
    /// being where secrets go in practice (a script, an environment, which may hold none).
    pub by_schema: bool,
}

/// Resource type → its secret-bearing attributes.
fn table() -> &'static HashMap<&'static str, Vec<SecretPath>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<SecretPath>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: HashMap<&str, Vec<SecretPath>> = HashMap::new();
        for line in LIST
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let mut cols = line.split('\t');
            if let (Some(rtype), Some(path), source) = (cols.next(), cols.next(), cols.next()) {
                t.entry(rtype).or_default().push(SecretPath {
                    segments: path.split('.').collect(),
                    by_schema: source != Some("practice"),
                });
            }
        }
        t
    })
}

/// The secret-bearing attributes of `rtype`.
pub fn secret_paths(rtype: &str) -> &'static [SecretPath] {
    table().get(rtype).map_or(&[], Vec::as_slice)
}

/// Whether a resource type has attributes that hold secrets.
pub fn has_secrets(rtype: &str) -> bool {
    table().contains_key(rtype)
}

/// The top-level attributes of `rtype` that hold secrets (or blocks that do).
pub fn secret_attributes(rtype: &str) -> impl Iterator<Item = &'static str> {
    secret_paths(rtype)
        .iter()
        .filter_map(|p| p.segments.first().copied())
}

/// Makes the secret-bearing attributes of an instance of `rtype` sensitive.
pub fn mark(rtype: &str, values: &mut Val) {
    for path in secret_paths(rtype) {
        mark_path(values, &path.segments);
    }
}

fn mark_path(v: &mut Val, path: &[&str]) {
    let Some((seg, rest)) = path.split_first() else {
        if !matches!(v, Val::Null | Val::Unknown(_) | Val::Sensitive(_)) {
            *v = Val::Sensitive(Box::new(std::mem::replace(v, Val::Null)));
        }
        return;
    };
    match (v, *seg) {
        (Val::List(items), "*") => items.iter_mut().for_each(|x| mark_path(x, rest)),
        (Val::Map(m), "*") => m.values_mut().for_each(|x| mark_path(x, rest)),
        (Val::Map(m), key) => {
            if let Some(x) = m.get_mut(key) {
                mark_path(x, rest);
            }
        }
        // A block written in JSON syntax is an object where HCL has a list of one.
        (Val::List(items), key) if key.parse::<usize>().is_err() => {
            items.iter_mut().for_each(|x| mark_path(x, path))
        }
        _ => {}
    }
}

/// The secrets of an instance written in the configuration itself (`literals`: its top-level
/// attributes that are): where each is and why it is taken for one, for SEC-01. A value the
/// provider marks sensitive is a secret; a script or an environment is one when what it holds
/// looks like a credential (by its variable's name, or its text).
pub fn hardcoded(
    rtype: &str,
    values: &Val,
    literals: &std::collections::BTreeSet<String>,
) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    // `at` or one of its parents is written in the configuration.
    let written = |at: &str| {
        std::iter::successors(Some(at), |p| p.rfind('.').map(|i| &p[..i]))
            .any(|p| literals.contains(p))
    };
    for path in secret_paths(rtype) {
        visit(values, &path.segments, String::new(), &mut |at, v| {
            let Val::Sensitive(inner) = v else { return };
            if !written(at) {
                return;
            }
            let name = at.rsplit('.').next().unwrap_or_default();
            let why = if path.by_schema {
                Some("a secret written in the configuration")
            } else if path.segments.last() == Some(&"*") {
                crate::credentials::is_credential_name(name)
                    .then_some("a credential written in the configuration")
            } else {
                inner
                    .as_str()
                    .and_then(crate::credentials::credential_in_text)
            };
            if let Some(why) = why {
                out.push(crate::credentials::finding(at, why));
            }
        });
    }
    out
}

/// Calls `f` with each value `path` names, and its dotted path.
fn visit(v: &Val, path: &[&str], at: String, f: &mut dyn FnMut(&str, &Val)) {
    let Some((seg, rest)) = path.split_first() else {
        f(&at, v);
        return;
    };
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (v, *seg) {
        (Val::List(items), "*") => {
            for (i, x) in items.iter().enumerate() {
                visit(x, rest, join(&i.to_string()), f);
            }
        }
        (Val::Map(m), "*") => {
            for (k, x) in m {
                visit(x, rest, join(k), f);
            }
        }
        (Val::Map(m), key) => {
            if let Some(x) = m.get(key) {
                visit(x, rest, join(key), f);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn map(pairs: &[(&str, Val)]) -> Val {
        Val::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    #[test]
    fn secret_paths_become_sensitive_and_the_rest_stays() {
        let mut db = map(&[
            ("password", Val::Str("hunter2".into())),
            ("username", Val::Str("admin".into())),
        ]);
        mark("aws_db_instance", &mut db);
        assert!(matches!(
            db.as_map().unwrap()["password"],
            Val::Sensitive(_)
        ));
        assert_eq!(db.as_map().unwrap()["username"], Val::Str("admin".into()));

        let env = map(&[(
            "variables",
            map(&[("DB_PASSWORD", Val::Str("s3cret".into()))]),
        )]);
        let mut f = map(&[("environment", Val::List(vec![env]))]);
        mark("aws_lambda_function", &mut f);
        let vars = &f.as_map().unwrap()["environment"].as_list().unwrap()[0];
        let v = &vars.as_map().unwrap()["variables"].as_map().unwrap()["DB_PASSWORD"];
        assert!(matches!(v, Val::Sensitive(_)));
        assert!(serde_json::to_string(&f.to_json())
            .unwrap()
            .find("s3cret")
            .is_none());
    }

    #[test]
    fn unknowns_stay_unknown() {
        let mut db = map(&[("password", Val::unknown("random_password.p.result"))]);
        mark("aws_db_instance", &mut db);
        assert!(db.as_map().unwrap()["password"].is_unknown());
    }
}
