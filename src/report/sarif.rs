//! SARIF 2.1.0 for GitHub code scanning. A small typed model rather than a generic SARIF crate:
//! we emit a fixed subset and want the compiler to hold its shape, with exactly the fields
//! GitHub's ingestion rules ask for.

use serde::Serialize;
use std::collections::BTreeMap;
use std::io;

use super::{sentence, Report, Writer};
use crate::engine::{BaselineState, RuleMeta, RuleResult, Severity, Status};
use crate::model::{DiagnosticLevel, Span};

pub struct SarifWriter;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    automation_details: AutomationDetails,
    invocations: Vec<Invocation>,
    results: Vec<SResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Config,
    properties: RuleProps,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Config {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProps {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptor: Option<Descriptor>,
}

#[derive(Serialize)]
struct Descriptor {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SSuppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProps<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProps<'a> {
    resource_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribute: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SSuppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    end_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// `S3 buckets are encrypted` → `S3BucketsAreEncrypted`.
fn pascal_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<String>()
        .chars()
        .take(80)
        .collect()
}

fn percent_encode_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Whether a file is inside the repository (a relative path that does not climb out): only
/// those are places code scanning can show.
fn in_repository(file: &str) -> bool {
    !file.starts_with('/')
        && !file.contains(':')
        && !file.split('/').any(|part| part == "..")
        && !file.is_empty()
}

/// A location in the repository; `None` for a file outside it (a module reached outside
/// `--root`), which is counted in a notification rather than written as a machine path.
fn location(span: &Span, logical: Option<String>) -> Option<Location> {
    if !in_repository(&span.file) {
        return None;
    }
    Some(Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: percent_encode_path(&span.file),
                uri_base_id: "%SRCROOT%",
            },
            region: Region {
                start_line: span.start_line.max(1),
                end_line: span.end_line.max(span.start_line).max(1),
            },
        },
        logical_locations: logical
            .map(|n| {
                vec![LogicalLocation {
                    fully_qualified_name: n,
                    kind: "resource",
                }]
            })
            .unwrap_or_default(),
    })
}

fn rule(m: &RuleMeta) -> Rule {
    let mut tags = vec!["security".to_string()];
    for (fw, ids) in &m.controls {
        tags.extend(ids.iter().map(|id| format!("{fw}:{id}")));
    }
    tags.extend(m.tags.iter().cloned());
    let controls_md: String = m
        .controls
        .iter()
        .map(|(fw, ids)| format!("- **{fw}**: {}\n", ids.join(", ")))
        .collect();
    Rule {
        id: m.id.clone(),
        name: pascal_name(&m.title),
        short_description: Text {
            text: sentence(&m.title),
        },
        full_description: Text {
            text: sentence(if m.description.is_empty() {
                &m.title
            } else {
                &m.description
            }),
        },
        help: Help {
            text: format!(
                "{}\n\nRemediation: {}",
                sentence(&m.description),
                m.remediation
            ),
            markdown: format!(
                "{}\n\n**Remediation.** {}\n\n**Controls.**\n{}\n**Applies to:** {}\n",
                m.description,
                m.remediation,
                controls_md,
                m.resource_types
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        default_configuration: Config {
            level: level(m.severity),
        },
        properties: RuleProps {
            tags,
            precision: "high",
            security_severity: m.severity.security_severity(),
            problem_severity: match m.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                _ => "recommendation",
            },
        },
    }
}

fn result<'a>(r: &'a RuleResult, rule_index: usize) -> Option<SResult<'a>> {
    let span = r.location.as_ref()?;
    let logical = r
        .resource
        .address
        .clone()
        .or_else(|| r.resource.arn.clone())
        .or_else(|| Some(r.resource.uid.clone()));
    let suppressions = r
        .suppression
        .iter()
        .map(|s| SSuppression {
            kind: if s.kind == "inline" {
                "inSource"
            } else {
                "external"
            },
            status: "accepted",
            justification: match (&s.owner, &s.expires) {
                (Some(o), Some(e)) => format!("{} (owner {o}, expires {e})", s.reason),
                (Some(o), None) => format!("{} (owner {o})", s.reason),
                (None, Some(e)) => format!("{} (expires {e})", s.reason),
                (None, None) => s.reason.clone(),
            },
        })
        .collect();
    Some(SResult {
        rule_id: &r.rule_id,
        rule_index,
        level: level(r.severity),
        message: Text {
            text: sentence(&format!("{}: {}", r.resource.name, r.message)),
        },
        locations: vec![location(span, logical)?],
        partial_fingerprints: BTreeMap::from([("rampart/v1", r.fingerprint.as_str())]),
        suppressions,
        baseline_state: r.baseline.map(|b| match b {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }),
        properties: ResultProps {
            resource_type: &r.resource.resource_type,
            attribute: r.attribute.as_deref(),
        },
    })
}

impl Writer for SarifWriter {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let index: BTreeMap<&str, usize> = report
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let mut notifications: Vec<Notification> = report
            .outcome
            .snapshot
            .diagnostics
            .iter()
            .map(|d| Notification {
                level: if d.level == DiagnosticLevel::Error {
                    "error"
                } else {
                    "warning"
                },
                message: Text {
                    text: sentence(&d.message),
                },
                locations: d.span.iter().filter_map(|s| location(s, None)).collect(),
                descriptor: Some(Descriptor { id: "input".into() }),
            })
            .collect();
        notifications.extend(
            report
                .outcome
                .snapshot
                .coverage
                .iter()
                .filter(|c| c.status != crate::model::CoverageStatus::Ok)
                .map(|c| Notification {
                    level: if c.status == crate::model::CoverageStatus::Error {
                        "error"
                    } else {
                        "warning"
                    },
                    message: Text {
                        text: sentence(&format!("Coverage gap in {}: {}", c.scope, c.detail)),
                    },
                    locations: c.span.iter().filter_map(|s| location(s, None)).collect(),
                    descriptor: Some(Descriptor {
                        id: "coverage".into(),
                    }),
                }),
        );
        // Rules that could not judge a resource are tool notifications, not alerts.
        notifications.extend(
            report
                .results()
                .iter()
                .filter(|r| r.status == Status::Error)
                .map(|r| Notification {
                    level: "warning",
                    message: Text {
                        text: sentence(&format!(
                            "{} not assessed on {}: {}",
                            r.rule_id, r.resource.name, r.message
                        )),
                    },
                    locations: r
                        .location
                        .iter()
                        .filter_map(|s| location(s, r.resource.address.clone()))
                        .collect(),
                    descriptor: Some(Descriptor {
                        id: r.rule_id.clone(),
                    }),
                }),
        );
        let findings: Vec<&RuleResult> = report
            .results()
            .iter()
            .filter(|r| matches!(r.status, Status::Fail | Status::Waived))
            .collect();
        // Code scanning needs a place in a file of the repository for every alert: findings
        // with none (live resources, modules outside --root) are not dropped in silence, they
        // are counted here (findings.json has each of them).
        let mut results: Vec<SResult> = Vec::with_capacity(findings.len());
        let mut unplaced: Vec<&RuleResult> = Vec::new();
        for r in &findings {
            match index.get(r.rule_id.as_str()).and_then(|i| result(r, *i)) {
                Some(placed) => results.push(placed),
                None => unplaced.push(r),
            }
        }
        if !unplaced.is_empty() {
            let mut rules: Vec<&str> = unplaced.iter().map(|r| r.rule_id.as_str()).collect();
            rules.dedup();
            notifications.push(Notification {
                level: "error",
                message: Text {
                    text: sentence(&format!(
                        "{} finding(s) have no file in the repository to point at and are not alerts here ({}): keep the snapshot with --snapshot FILE or give --source DIR for live resources, scan from the directory that holds every module, and see the findings JSON",
                        unplaced.len(),
                        rules.join(", ")
                    )),
                },
                locations: Vec::new(),
                descriptor: Some(Descriptor {
                    id: "unplaced".into(),
                }),
            });
        }
        let log = Log {
            schema: "https://json.schemastore.org/sarif-2.1.0.json",
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "rampart",
                        semantic_version: env!("CARGO_PKG_VERSION"),
                        version: env!("CARGO_PKG_VERSION"),
                        rules: report.rules.iter().map(|m| rule(m)).collect(),
                    },
                },
                automation_details: AutomationDetails {
                    id: report.category.clone(),
                },
                invocations: vec![Invocation {
                    execution_successful: !report.outcome.is_incomplete(),
                    tool_execution_notifications: notifications,
                }],
                results,
                column_kind: "unicodeCodePoints",
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &log)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(
            pascal_name("S3 buckets are encrypted (KMS)"),
            "S3BucketsAreEncryptedKMS"
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(percent_encode_path("a b/c#.tf"), "a%20b/c%23.tf");
    }
}
