//! Suppressions: inline `rampart:ignore` comments and the waiver file. Both need a reason; an
//! expired one stops suppressing and says so. Suppressed results stay in every output, marked.

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::path::Path;

use crate::engine::{RuleResult, Status, Suppression};
use crate::model::{Diagnostic, DiagnosticLevel, InlineSuppression, Resource, Span};

#[derive(Debug, thiserror::Error)]
pub enum WaiverError {
    #[error("cannot read waiver file {path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Parses `rampart:ignore RULE reason="…" expires=YYYY-MM-DD` from one comment line.
pub fn parse_inline(line: &str, file: &str, line_no: u32) -> Option<InlineSuppression> {
    let at = line.find("rampart:ignore")?;
    let rest = line[at + "rampart:ignore".len()..].trim();
    let rule = rest.split_whitespace().next()?.to_string();
    let quoted = |key: &str| -> Option<String> {
        let start = rest.find(&format!("{key}=\""))? + key.len() + 2;
        let end = rest[start..].find('"')?;
        Some(rest[start..start + end].to_string())
    };
    let bare = |key: &str| -> Option<String> {
        let start = rest.find(&format!("{key}="))? + key.len() + 1;
        Some(
            rest[start..]
                .split_whitespace()
                .next()?
                .trim_matches('"')
                .to_string(),
        )
    };
    Some(InlineSuppression {
        rule,
        reason: quoted("reason").filter(|r| !r.trim().is_empty()),
        expires: bare("expires"),
        span: Span {
            file: file.to_string(),
            start_line: line_no,
            end_line: line_no,
        },
    })
}

#[derive(Deserialize, Debug)]
struct RawWaiverFile {
    #[serde(default)]
    waivers: Vec<RawWaiver>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: String,
    resource: String,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<String>,
}

/// One validated waiver.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    /// Glob on the resource uid, Terraform address, ARN or name.
    pub resource: String,
    matcher: GlobMatcher,
    pub reason: String,
    pub owner: String,
    pub expires: Option<time::Date>,
}

fn parse_date(s: &str) -> Option<time::Date> {
    crate::model::parse_date(s).ok()
}

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Reads and validates a waiver file (YAML, `waivers:` list).
pub fn load_waivers(path: &Path) -> Result<Vec<Waiver>, WaiverError> {
    let p = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| WaiverError::Io {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let raw: RawWaiverFile = serde_yaml_ng::from_str(&text).map_err(|e| WaiverError::Invalid {
        path: p.clone(),
        message: e.to_string(),
    })?;
    raw.waivers
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            let invalid = |m: String| WaiverError::Invalid {
                path: p.clone(),
                message: format!("waiver #{} ({} on {}): {m}", i + 1, w.rule, w.resource),
            };
            let reason = w
                .reason
                .clone()
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| invalid("a reason is required".into()))?;
            let owner = w
                .owner
                .clone()
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| invalid("an owner is required".into()))?;
            let expires = match &w.expires {
                Some(e) => Some(
                    parse_date(e)
                        .ok_or_else(|| invalid(format!("expires {e:?} is not YYYY-MM-DD")))?,
                ),
                None => None,
            };
            let matcher = Glob::new(&w.resource)
                .map_err(|e| invalid(e.to_string()))?
                .compile_matcher();
            Ok(Waiver {
                rule: w.rule,
                resource: w.resource,
                matcher,
                reason,
                owner,
                expires,
            })
        })
        .collect()
}

impl Waiver {
    fn matches(&self, r: &RuleResult) -> bool {
        let rule_ok = self.rule == "*" || self.rule.eq_ignore_ascii_case(&r.rule_id);
        let res = &r.resource;
        rule_ok
            && (self.matcher.is_match(&res.uid)
                || self.matcher.is_match(&res.name)
                || res
                    .address
                    .as_deref()
                    .is_some_and(|a| self.matcher.is_match(a))
                || res.arn.as_deref().is_some_and(|a| self.matcher.is_match(a)))
    }
}

/// Marks failures covered by an inline comment or a waiver as waived. Returns diagnostics for
/// comments without a reason and for expired suppressions.
pub fn apply(
    results: &mut [RuleResult],
    resources: &[Resource],
    waivers: &[Waiver],
    today: time::Date,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let by_uid: std::collections::HashMap<&str, &Resource> =
        resources.iter().map(|r| (r.uid.as_str(), r)).collect();
    for r in resources {
        for s in &r.inline_suppressions {
            if s.reason.is_none() {
                diags.push(Diagnostic {
                    level: DiagnosticLevel::Warning,
                    message: format!(
                        "rampart:ignore {} has no reason=\"…\"; it does not suppress anything",
                        s.rule
                    ),
                    span: Some(s.span.clone()),
                    column: None,
                });
            }
        }
    }
    for w in waivers {
        if let Some(e) = w.expires.filter(|e| *e < today) {
            diags.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                message: format!(
                    "waiver for {} on {} (owner {}) expired on {e}; it no longer suppresses",
                    w.rule, w.resource, w.owner
                ),
                span: None,
                column: None,
            });
        }
    }
    for result in results.iter_mut().filter(|r| r.status == Status::Fail) {
        let inline = by_uid.get(result.resource.uid.as_str()).and_then(|res| {
            res.inline_suppressions
                .iter()
                .find(|s| s.rule.eq_ignore_ascii_case(&result.rule_id) && s.reason.is_some())
        });
        if let Some(s) = inline {
            let expired = s
                .expires
                .as_deref()
                .and_then(parse_date)
                .is_some_and(|e| e < today);
            if expired {
                result.message = format!(
                    "{} (inline suppression expired on {})",
                    result.message,
                    s.expires.as_deref().unwrap_or("")
                );
                diags.push(Diagnostic {
                    level: DiagnosticLevel::Warning,
                    message: format!(
                        "rampart:ignore {} expired on {}; it no longer suppresses",
                        s.rule,
                        s.expires.as_deref().unwrap_or("")
                    ),
                    span: Some(s.span.clone()),
                    column: None,
                });
            } else {
                result.status = Status::Waived;
                result.suppression = Some(Suppression {
                    kind: "inline".into(),
                    reason: s.reason.clone().unwrap_or_default(),
                    owner: None,
                    expires: s.expires.clone(),
                    location: Some(s.span.clone()),
                });
                continue;
            }
        }
        if let Some(w) = waivers.iter().find(|w| w.matches(result)) {
            match w.expires {
                Some(e) if e < today => {
                    result.message = format!("{} (waiver expired on {e})", result.message);
                }
                _ => {
                    result.status = Status::Waived;
                    result.suppression = Some(Suppression {
                        kind: "waiver".into(),
                        reason: w.reason.clone(),
                        owner: Some(w.owner.clone()),
                        expires: w.expires.map(|e| e.to_string()),
                        location: None,
                    });
                }
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_inline_comment() {
        let s = parse_inline(r#"  # rampart:ignore NET-01 reason="bastion, IP-restricted at WAF" expires=2027-01-31"#, "a.tf", 4).unwrap();
        assert_eq!(s.rule, "NET-01");
        assert_eq!(s.reason.as_deref(), Some("bastion, IP-restricted at WAF"));
        assert_eq!(s.expires.as_deref(), Some("2027-01-31"));
        let s = parse_inline("// rampart:ignore NET-01", "a.tf", 4).unwrap();
        assert_eq!(s.reason, None);
    }

    #[test]
    fn waiver_without_owner_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.yaml");
        std::fs::write(
            &p,
            "waivers:\n  - rule: NET-01\n    resource: '*'\n    reason: r\n",
        )
        .unwrap();
        assert!(load_waivers(&p)
            .unwrap_err()
            .to_string()
            .contains("owner is required"));
    }
}
