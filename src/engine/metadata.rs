//! Rule metadata from each policy's `# METADATA` comment block (YAML, as OPA writes it).
//! regorus does not expose annotations, so rampart reads the block itself: parsed into
//! [`RawMetadata`], then validated into [`RuleMeta`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::EngineError;
use crate::model::ReadPath;

/// Finding severity, ordered from least to most severe.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// GitHub code scanning's `security-severity` score for this level.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "1.0",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Deserialize, Debug, Default)]
struct RawMetadata {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    custom: RawCustom,
}

#[derive(Deserialize, Debug, Default)]
struct RawCustom {
    id: Option<String>,
    severity: Option<String>,
    remediation: Option<String>,
    #[serde(default)]
    resource_types: Vec<String>,
    #[serde(default)]
    controls: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    tags: Vec<String>,
    reads: Option<Vec<String>>,
    #[serde(default)]
    equivalents: BTreeMap<String, Vec<String>>,
}

/// Control framework keys accepted in `custom.controls`.
pub const FRAMEWORKS: [&str; 5] = ["ferpa", "cis_aws", "cis_eks", "cis_k8s", "nist_800_53"];

/// Other scanners whose checks a rule may name as judging the same concern
/// (`custom.equivalents`), for users moving from them and for the coverage table in `docs/`.
pub const PEER_TOOLS: [&str; 2] = ["checkov", "prowler"];

/// A validated rule description.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub remediation: String,
    pub resource_types: Vec<String>,
    /// Framework → control ids (e.g. `ferpa` → `["99.31(a)(1)(ii)"]`).
    pub controls: BTreeMap<String, Vec<String>>,
    pub tags: Vec<String>,
    /// Peer tool → the ids of its checks that judge the same concern (`checkov` →
    /// `["CKV_AWS_79"]`). Written once, here; the coverage table is generated from it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub equivalents: BTreeMap<String, Vec<String>>,
    /// The values the rule judges, as paths into a resource (`ingress.*.from_port`; `tags` and
    /// `derived.…` name those parts, anything else is under `attributes`). A verdict of `pass` on
    /// a resource where one of them is unknown or could not be read becomes `error`. `None`
    /// (no `reads` in METADATA): every attribute counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads: Option<Vec<ReadPath>>,
    /// Rego package, e.g. `rampart.aws.s3.enc_01`.
    pub package: String,
    /// Policy file the rule came from.
    pub source: String,
    /// Whether the rule narrows the resources it applies to with an `applies` set.
    pub has_applies: bool,
    /// Whether the rule declares a `deny` set (failures) and an `error` set (not assessable).
    #[serde(skip)]
    pub has_deny: bool,
    #[serde(skip)]
    pub has_error: bool,
}

/// Whether a module declares the partial set rule `name` (`name contains …`).
fn declares(rego: &str, name: &str) -> bool {
    rego.lines().any(|l| {
        let l = l.trim_start();
        l.strip_prefix(name)
            .is_some_and(|rest| rest.trim_start().starts_with("contains"))
    })
}

/// Reads the package name of a Rego module.
pub fn package_of(rego: &str) -> Option<String> {
    rego.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("package "))
        .map(|p| p.trim().to_string())
}

/// Extracts the first `# METADATA` block's YAML.
fn metadata_yaml(rego: &str) -> Option<String> {
    let mut lines = rego.lines().skip_while(|l| l.trim() != "# METADATA");
    lines.next()?;
    let yaml: Vec<&str> = lines
        .take_while(|l| l.trim_start().starts_with('#'))
        .map(|l| {
            let l = l.trim_start().trim_start_matches('#');
            l.strip_prefix(' ').unwrap_or(l)
        })
        .collect();
    Some(yaml.join("\n"))
}

/// Parses and validates a policy file's metadata. `Ok(None)` for a module without a METADATA
/// block (a library, not a rule).
pub fn parse(source: &str, rego: &str) -> Result<Option<RuleMeta>, EngineError> {
    let Some(yaml) = metadata_yaml(rego) else {
        return Ok(None);
    };
    let invalid = |reason: String| EngineError::InvalidMetadata {
        file: source.to_string(),
        reason,
    };
    let raw: RawMetadata = serde_yaml_ng::from_str(&yaml).map_err(|e| invalid(e.to_string()))?;
    let c = raw.custom;
    let id =
        c.id.filter(|s| !s.trim().is_empty())
            .ok_or_else(|| invalid("custom.id is required".into()))?;
    if !id
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(invalid(format!(
            "rule id {id:?} may only hold letters, digits, '-' and '_'"
        )));
    }
    let severity_text = c
        .severity
        .ok_or_else(|| invalid("custom.severity is required".into()))?;
    let severity = Severity::parse(&severity_text).ok_or_else(|| {
        invalid(format!(
            "severity {severity_text:?} is not one of info, low, medium, high, critical"
        ))
    })?;
    if c.resource_types.is_empty() {
        return Err(invalid(
            "custom.resource_types must name at least one resource type".into(),
        ));
    }
    for (field, map, known, what) in [
        ("controls", &c.controls, &FRAMEWORKS[..], "framework"),
        ("equivalents", &c.equivalents, &PEER_TOOLS[..], "tool"),
    ] {
        if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(invalid(format!(
                "custom.{field} has unknown {what} {unknown:?} (known: {})",
                known.join(", ")
            )));
        }
    }
    let reads = c
        .reads
        .map(|paths| {
            paths
                .iter()
                .map(|p| ReadPath::parse(p).map_err(|e| invalid(format!("custom.reads: {e}"))))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let package = package_of(rego).ok_or_else(|| invalid("no package declaration".into()))?;
    let has_applies = declares(rego, "applies");
    Ok(Some(RuleMeta {
        id,
        title: raw
            .title
            .ok_or_else(|| invalid("title is required".into()))?,
        description: raw.description.unwrap_or_default().trim().to_string(),
        severity,
        remediation: c.remediation.unwrap_or_default().trim().to_string(),
        resource_types: c.resource_types,
        controls: c.controls,
        tags: c.tags,
        equivalents: c.equivalents,
        reads,
        package,
        source: source.to_string(),
        has_applies,
        has_deny: declares(rego, "deny"),
        has_error: declares(rego, "error"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r#"# METADATA
# title: Buckets are encrypted
# description: Long text.
# custom:
#   id: ENC-01
#   severity: high
#   resource_types: [aws_s3_bucket]
#   remediation: Enable SSE-KMS.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [SC-28]
package rampart.aws.s3.enc_01

deny contains x if { false }
"#;

    #[test]
    fn parses_a_rule() {
        let m = parse("p.rego", RULE).unwrap().unwrap();
        assert_eq!(m.id, "ENC-01");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.package, "rampart.aws.s3.enc_01");
        assert_eq!(m.controls["nist_800_53"], vec!["SC-28"]);
        assert!(!m.has_applies);
    }

    #[test]
    fn rejects_bad_severity_and_unknown_framework() {
        let bad = RULE.replace("severity: high", "severity: urgent");
        assert!(parse("p.rego", &bad)
            .unwrap_err()
            .to_string()
            .contains("urgent"));
        let bad = RULE.replace("nist_800_53:", "nist:");
        assert!(parse("p.rego", &bad)
            .unwrap_err()
            .to_string()
            .contains("unknown framework"));
    }

    #[test]
    fn equivalents_name_known_peers_only() {
        let with = |tool: &str| {
            RULE.replace(
                "#     nist_800_53: [SC-28]",
                &format!(
                    "#     nist_800_53: [SC-28]\n#   equivalents:\n#     {tool}: [CKV_AWS_19]"
                ),
            )
        };
        let meta = parse("p.rego", &with("checkov")).unwrap().unwrap();
        assert_eq!(meta.equivalents["checkov"], vec!["CKV_AWS_19".to_string()]);
        let err = parse("p.rego", &with("checkv")).unwrap_err().to_string();
        assert!(err.contains("unknown tool \"checkv\""), "{err}");
    }

    #[test]
    fn library_without_metadata_is_not_a_rule() {
        assert!(parse("lib.rego", "package rampart.lib\n")
            .unwrap()
            .is_none());
    }
}
