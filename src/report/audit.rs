//! The auditor's view of a scan: scope, digests, a control matrix per framework, findings with
//! their evidence, the waiver register, coverage gaps, trends and the rule catalog. Built once in
//! Rust; the HTML template only lays it out.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::trends::Trends;
use super::Report;
use crate::engine::frameworks::{Automation, Framework};
use crate::engine::{RuleMeta, RuleResult, Severity, Status};
use crate::model::{is_unknown, CoverageStatus, UNKNOWN_KEY};

/// Longest evidence value shown; longer JSON is cut (the full value is in findings.json).
const MAX_VALUE_CHARS: usize = 300;

#[derive(Serialize)]
pub struct AuditView {
    pub generated_at: String,
    pub tool_version: &'static str,
    pub policy_digest: String,
    pub snapshot_digest: String,
    pub incomplete: bool,
    pub scope: Scope,
    pub summary: Summary,
    pub frameworks: Vec<FrameworkView>,
    pub findings: Vec<RuleFindings>,
    pub waivers: Vec<WaiverView>,
    pub gaps: Vec<Gap>,
    pub trends: Option<Trends>,
    pub rules: Vec<RuleMeta>,
    /// Who can reach each store holding FERPA data (from the least-privilege analysis).
    pub access_map: Vec<StoreAccess>,
    /// The wildcard routes to those stores, once each.
    pub wildcard_grants: Vec<WildcardGrant>,
    /// Principals that can escalate to administrator, with their paths.
    pub escalations: Vec<Escalation>,
}

/// Who reaches one store by name: grants that name it (or its prefix), in identity or
/// resource policies. Wildcard grants are listed once, in [`WildcardGrant`], not per store: a
/// `Resource "*"` policy reaches every store alike, and repeating it under each store would
/// grow the report with principals × stores.
#[derive(Serialize)]
pub struct StoreAccess {
    pub store: String,
    pub name: String,
    pub resource_type: String,
    pub entries: Vec<serde_json::Value>,
    /// Principals that reach this store only through a wildcard grant.
    pub wildcard_principals: usize,
}

/// One principal's wildcard route to data (same access, statement and conditions), with the
/// stores it reaches.
#[derive(Serialize)]
pub struct WildcardGrant {
    pub principal: String,
    pub pods: Vec<String>,
    pub access: String,
    pub actions: BTreeSet<String>,
    pub through: String,
    pub via: String,
    pub also_via: BTreeSet<String>,
    pub conditions: Vec<String>,
    pub store_count: usize,
    /// The first stores reached, by name (each store's own section counts its wildcard principals).
    pub stores: Vec<String>,
}

/// Stores a wildcard grant names in the report before it only counts them.
const WILDCARD_STORES_NAMED: usize = 10;

#[derive(Serialize)]
pub struct Escalation {
    pub principal: String,
    pub steps: Vec<serde_json::Value>,
}

#[derive(Serialize)]
pub struct Scope {
    pub sources: Vec<String>,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub clusters: Vec<String>,
    /// The repository and commit the sources were read from, when the root is a git checkout.
    pub repository: Option<String>,
    pub commit: Option<String>,
    pub resources: usize,
    pub resource_types: usize,
    /// First and last scan covered, when earlier scans are included.
    pub period: Option<(String, String)>,
}

#[derive(Serialize)]
pub struct Summary {
    pub results: BTreeMap<&'static str, usize>,
    pub failures_by_severity: Vec<(&'static str, usize)>,
    /// Largest failure count by severity, for the chart's scale.
    pub max_severity_count: usize,
}

/// What a control's results add up to.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Pass,
    Fail,
    /// Something it needed could not be assessed.
    Error,
    /// Automated, but nothing in scope to test.
    NotTested,
    Manual,
}

#[derive(Serialize)]
pub struct ControlView {
    pub id: String,
    pub title: String,
    pub ptac: Vec<String>,
    pub status: ControlStatus,
    pub automation: &'static str,
    pub rules: Vec<String>,
    pub planned: Vec<String>,
    /// Distinct resources tested, and how they came out (a resource counts once per control,
    /// at its worst result).
    pub tested: usize,
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    pub waived: usize,
}

#[derive(Serialize)]
pub struct FrameworkView {
    pub id: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub controls: Vec<ControlView>,
    pub counts: BTreeMap<&'static str, usize>,
    /// Controls passing among those assessed (pass + fail + error), in percent.
    pub pass_rate: Option<u32>,
    /// Stacked bar segments (status, count, x, width) over a 0..100 scale.
    pub bar: Vec<(&'static str, usize, f64, f64)>,
}

#[derive(Serialize)]
pub struct EvidenceView {
    pub path: String,
    pub value: String,
    pub provenance: String,
    pub source: String,
}

#[derive(Serialize)]
pub struct ResultView {
    pub resource: String,
    pub resource_type: String,
    pub name: String,
    pub location: String,
    pub message: String,
    pub evidence: Vec<EvidenceView>,
    pub suppression: Option<String>,
}

#[derive(Serialize)]
pub struct RuleFindings {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub remediation: String,
    pub failed: Vec<ResultView>,
    pub errors: Vec<ResultView>,
    pub waived: Vec<ResultView>,
    pub passed: Vec<String>,
}

#[derive(Serialize)]
pub struct WaiverView {
    pub rule: String,
    pub resource: String,
    pub kind: &'static str,
    pub reason: String,
    pub owner: String,
    pub expires: String,
    pub expired: bool,
    /// Results it suppresses in this scan.
    pub applied: usize,
}

#[derive(Serialize)]
pub struct Gap {
    pub kind: &'static str,
    pub scope: String,
    pub detail: String,
}

/// Asks git about the root (read-only queries); None when it is not a checkout or git is absent.
fn git(root: &std::path::Path, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn status_rank(s: Status) -> u8 {
    match s {
        Status::Pass => 0,
        Status::Waived => 1,
        Status::Error => 2,
        Status::Fail => 3,
    }
}

fn location(r: &RuleResult) -> String {
    match (&r.location, &r.resource.arn) {
        (Some(l), _) if l.start_line == l.end_line => format!("{}:{}", l.file, l.start_line),
        (Some(l), _) => format!("{}:{}-{}", l.file, l.start_line, l.end_line),
        (None, Some(arn)) => arn.clone(),
        (None, None) => r.resource.uid.clone(),
    }
}

fn show_value(v: &serde_json::Value) -> String {
    let text = if is_unknown(v) {
        format!(
            "(known after apply: {})",
            v[UNKNOWN_KEY].as_str().unwrap_or("")
        )
    } else {
        serde_json::to_string(v).unwrap_or_default()
    };
    if text.chars().count() > MAX_VALUE_CHARS {
        text.chars().take(MAX_VALUE_CHARS).collect::<String>() + "…"
    } else {
        text
    }
}

fn result_view(r: &RuleResult) -> ResultView {
    ResultView {
        resource: r.resource.uid.clone(),
        resource_type: r.resource.resource_type.clone(),
        name: r.resource.name.clone(),
        location: location(r),
        message: r.message.clone(),
        evidence: r
            .evidence
            .iter()
            .map(|e| EvidenceView {
                path: e.path.clone(),
                value: show_value(&e.value),
                provenance: format!("{:?}", e.meta.provenance).to_lowercase(),
                source: match (&e.meta.span, &e.meta.from) {
                    (Some(s), Some(from)) => format!("{}:{} ({from})", s.file, s.start_line),
                    (Some(s), None) => format!("{}:{}", s.file, s.start_line),
                    (None, Some(from)) => from.clone(),
                    (None, None) => "AWS default".into(),
                },
            })
            .collect(),
        suppression: r.suppression.as_ref().map(|s| {
            let mut t = format!("{}: {}", s.kind, s.reason);
            if let Some(o) = &s.owner {
                t.push_str(&format!(" (owner {o})"));
            }
            if let Some(e) = &s.expires {
                t.push_str(&format!(", expires {e}"));
            }
            t
        }),
    }
}

fn framework_view(
    f: &Framework,
    rules: &[RuleMeta],
    by_rule: &HashMap<&str, Vec<&RuleResult>>,
) -> FrameworkView {
    let mut controls = Vec::new();
    let mut counts: BTreeMap<&'static str, usize> =
        ["pass", "fail", "error", "not_tested", "manual"]
            .iter()
            .map(|k| (*k, 0))
            .collect();
    for c in &f.controls {
        let (implemented, automation) = c.implemented(rules);
        let ids: Vec<String> = implemented.iter().map(|r| r.id.clone()).collect();
        let planned = c
            .rules
            .iter()
            .filter(|r| !ids.contains(r))
            .cloned()
            .collect();
        // Worst result per resource across the control's rules.
        let mut worst: HashMap<&str, Status> = HashMap::new();
        for id in &ids {
            for r in by_rule.get(id.as_str()).into_iter().flatten() {
                let e = worst.entry(r.resource.uid.as_str()).or_insert(r.status);
                if status_rank(r.status) > status_rank(*e) {
                    *e = r.status;
                }
            }
        }
        let n = |s: Status| worst.values().filter(|v| **v == s).count();
        let (passed, failed, errored, waived) = (
            n(Status::Pass),
            n(Status::Fail),
            n(Status::Error),
            n(Status::Waived),
        );
        let status = if automation == Automation::Manual {
            ControlStatus::Manual
        } else if failed > 0 {
            ControlStatus::Fail
        } else if errored > 0 {
            ControlStatus::Error
        } else if worst.is_empty() {
            ControlStatus::NotTested
        } else {
            ControlStatus::Pass
        };
        *counts
            .get_mut(match status {
                ControlStatus::Pass => "pass",
                ControlStatus::Fail => "fail",
                ControlStatus::Error => "error",
                ControlStatus::NotTested => "not_tested",
                ControlStatus::Manual => "manual",
            })
            .expect("status key") += 1;
        controls.push(ControlView {
            id: c.id.clone(),
            title: c.title.clone(),
            ptac: c.ptac.clone(),
            status,
            automation: automation.as_str(),
            rules: ids,
            planned,
            tested: worst.len(),
            passed,
            failed,
            errored,
            waived,
        });
    }
    let assessed = counts["pass"] + counts["fail"] + counts["error"];
    let total = f.controls.len().max(1) as f64;
    let mut x = 0.0;
    let bar = ["pass", "fail", "error", "not_tested", "manual"]
        .iter()
        .map(|k| {
            let w = counts[k] as f64 * 100.0 / total;
            let seg = (*k, counts[k], x, w);
            x += w;
            seg
        })
        .collect();
    FrameworkView {
        id: f.id.clone(),
        title: f.title.clone(),
        version: f.version.clone(),
        description: f.description.clone(),
        controls,
        pass_rate: (assessed > 0).then(|| (counts["pass"] * 100 / assessed) as u32),
        counts,
        bar,
    }
}

/// Builds the view of a report for the given frameworks.
pub fn build(report: &Report) -> AuditView {
    let o = report.outcome;
    let rules: Vec<RuleMeta> = report.rules.iter().map(|r| (*r).clone()).collect();
    let mut by_rule: HashMap<&str, Vec<&RuleResult>> = HashMap::new();
    for r in &o.results {
        by_rule.entry(r.rule_id.as_str()).or_default().push(r);
    }
    let set = |f: &dyn Fn(&crate::model::Resource) -> Option<String>| -> Vec<String> {
        o.snapshot
            .resources
            .iter()
            .filter_map(f)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let scope = Scope {
        sources: o.snapshot.sources.clone(),
        accounts: set(&|r| r.account.clone()),
        regions: set(&|r| r.region.clone()),
        clusters: set(&|r| (r.resource_type == "aws_eks_cluster").then(|| r.name.clone())),
        repository: git(&report.root, &["remote", "get-url", "origin"]),
        commit: git(&report.root, &["rev-parse", "HEAD"]).map(|c| {
            match git(&report.root, &["status", "--porcelain"]) {
                Some(dirty) if !dirty.is_empty() => format!("{c} (with uncommitted changes)"),
                _ => c,
            }
        }),
        resources: o.snapshot.resources.len(),
        resource_types: o
            .snapshot
            .resources
            .iter()
            .map(|r| &r.resource_type)
            .collect::<BTreeSet<_>>()
            .len(),
        period: report
            .trends
            .as_ref()
            .filter(|t| t.scans.len() > 1)
            .map(|t| (t.scans[0].at.clone(), t.scans[t.scans.len() - 1].at.clone())),
    };
    let s = report.summary();
    let failures_by_severity: Vec<(&'static str, usize)> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ]
    .iter()
    .map(|sev| {
        (
            sev.as_str(),
            s.failures_by_severity
                .get(sev.as_str())
                .copied()
                .unwrap_or(0),
        )
    })
    .collect();
    let summary = Summary {
        results: ["pass", "fail", "error", "waived"]
            .iter()
            .map(|k| (*k, s.by_status.get(*k).copied().unwrap_or(0)))
            .collect(),
        max_severity_count: failures_by_severity
            .iter()
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0)
            .max(1),
        failures_by_severity,
    };
    let frameworks = report
        .frameworks
        .iter()
        .map(|f| framework_view(f, &rules, &by_rule))
        .collect();
    let mut findings: Vec<RuleFindings> = rules
        .iter()
        .map(|rule| {
            let rs = by_rule.get(rule.id.as_str()).cloned().unwrap_or_default();
            let pick = |st: Status| {
                rs.iter()
                    .filter(|r| r.status == st)
                    .map(|r| result_view(r))
                    .collect::<Vec<_>>()
            };
            RuleFindings {
                id: rule.id.clone(),
                title: rule.title.clone(),
                severity: rule.severity,
                remediation: rule.remediation.clone(),
                failed: pick(Status::Fail),
                errors: pick(Status::Error),
                waived: pick(Status::Waived),
                passed: rs
                    .iter()
                    .filter(|r| r.status == Status::Pass)
                    .map(|r| r.resource.uid.clone())
                    .collect(),
            }
        })
        .collect();
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.failed.len().cmp(&a.failed.len()))
            .then(a.id.cmp(&b.id))
    });

    let today = o.as_of;
    let mut waivers: Vec<WaiverView> = o
        .waivers
        .iter()
        .map(|w| WaiverView {
            rule: w.rule.clone(),
            resource: w.resource.clone(),
            kind: "waiver",
            reason: w.reason.clone(),
            owner: w.owner.clone(),
            expires: w
                .expires
                .map(|e| e.to_string())
                .unwrap_or_else(|| "none".into()),
            expired: w.expires.is_some_and(|e| e < today),
            applied: o
                .results
                .iter()
                .filter(|r| {
                    r.suppression.as_ref().is_some_and(|s| {
                        s.kind == "waiver"
                            && s.reason == w.reason
                            && (w.rule == "*" || w.rule.eq_ignore_ascii_case(&r.rule_id))
                    })
                })
                .count(),
        })
        .collect();
    for r in &o.snapshot.resources {
        for s in &r.inline_suppressions {
            let expired = s
                .expires
                .as_deref()
                .is_some_and(|e| e < today.to_string().as_str());
            waivers.push(WaiverView {
                rule: s.rule.clone(),
                resource: r.uid.clone(),
                kind: "inline",
                reason: s
                    .reason
                    .clone()
                    .unwrap_or_else(|| "(no reason: not in force)".into()),
                owner: format!("{}:{}", s.span.file, s.span.start_line),
                expires: s.expires.clone().unwrap_or_else(|| "none".into()),
                expired,
                applied: o
                    .results
                    .iter()
                    .filter(|x| {
                        x.resource.uid == r.uid
                            && x.status == Status::Waived
                            && x.rule_id.eq_ignore_ascii_case(&s.rule)
                    })
                    .count(),
            });
        }
    }

    let mut gaps: Vec<Gap> = o
        .snapshot
        .coverage
        .iter()
        .filter(|c| c.status != CoverageStatus::Ok)
        .map(|c| Gap {
            kind: if c.status == CoverageStatus::Error {
                "not collected"
            } else {
                "not followed"
            },
            scope: c.scope.clone(),
            detail: c.detail.clone(),
        })
        .collect();
    gaps.extend(o.snapshot.diagnostics.iter().map(|d| {
        Gap {
            kind: if d.level == crate::model::DiagnosticLevel::Error {
                "input error"
            } else {
                "input warning"
            },
            scope: d
                .span
                .as_ref()
                .map(|s| format!("{}:{}", s.file, s.start_line))
                .unwrap_or_default(),
            detail: d.message.clone(),
        }
    }));
    gaps.extend(
        o.results
            .iter()
            .filter(|r| r.status == Status::Error)
            .map(|r| Gap {
                kind: "not assessed",
                scope: format!("{} on {}", r.rule_id, r.resource.uid),
                detail: r.message.clone(),
            }),
    );

    let (access_map, wildcard_grants) = access_view(&o.snapshot.resources);
    let escalations = o
        .snapshot
        .resources
        .iter()
        .filter_map(|r| {
            let steps = r.derived.get("iam")?.get("escalation")?.as_array()?.clone();
            (!steps.is_empty()).then(|| Escalation {
                principal: r.uid.clone(),
                steps,
            })
        })
        .collect();

    AuditView {
        access_map,
        wildcard_grants,
        escalations,
        generated_at: crate::model::timestamp(o.scanned_at),
        tool_version: env!("CARGO_PKG_VERSION"),
        policy_digest: o.policy_digest.clone(),
        snapshot_digest: o.snapshot_digest.clone(),
        incomplete: o.is_incomplete(),
        scope,
        summary,
        frameworks,
        findings,
        waivers,
        gaps,
        trends: report.trends.clone(),
        rules,
    }
}

/// The FERPA access map: per store, the grants that name it; and the wildcard grants once each,
/// with the stores they reach. Pods that run as a role (IRSA) are named beside it, so "pods in
/// namespace X can read this store" shows.
fn access_view(resources: &[crate::model::Resource]) -> (Vec<StoreAccess>, Vec<WildcardGrant>) {
    use serde_json::Value;
    let mut pods_by_role: HashMap<&str, Vec<String>> = HashMap::new();
    for w in resources {
        if let Some(role) = w.derived.get("iam_role_uid").and_then(Value::as_str) {
            pods_by_role.entry(role).or_default().push(w.uid.clone());
        }
    }
    let text = |e: &Value, k: &str| e[k].as_str().unwrap_or_default().to_string();
    let texts = |e: &Value, k: &str| -> Vec<String> {
        e[k].as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let mut stores = Vec::new();
    let mut grants: BTreeMap<(String, String, String, Vec<String>), WildcardGrant> =
        BTreeMap::new();
    for r in resources {
        let Some(entries) = r.derived.get("access").and_then(Value::as_array) else {
            continue;
        };
        let mut named = Vec::new();
        let mut wildcard_principals = BTreeSet::new();
        for e in entries {
            let principal = text(e, "principal");
            let pods = pods_by_role
                .get(principal.as_str())
                .cloned()
                .unwrap_or_default();
            if e["wildcard"] != Value::Bool(true) {
                let mut e = e.clone();
                if !pods.is_empty() {
                    e["pods"] = serde_json::json!(pods);
                }
                named.push(e);
                continue;
            }
            let conditions = texts(e, "conditions");
            let key = (
                principal.clone(),
                text(e, "access"),
                text(e, "via"),
                conditions,
            );
            wildcard_principals.insert(principal.clone());
            let g = grants.entry(key).or_insert_with_key(|k| WildcardGrant {
                principal,
                pods,
                access: k.1.clone(),
                actions: BTreeSet::new(),
                through: text(e, "through"),
                via: k.2.clone(),
                also_via: BTreeSet::new(),
                conditions: k.3.clone(),
                store_count: 0,
                stores: Vec::new(),
            });
            g.actions.extend(texts(e, "actions"));
            g.also_via.extend(texts(e, "also_via"));
            g.store_count += 1;
            if g.stores.len() < WILDCARD_STORES_NAMED {
                g.stores.push(r.name.clone());
            }
        }
        stores.push(StoreAccess {
            store: r.uid.clone(),
            name: r.name.clone(),
            resource_type: r.resource_type.clone(),
            entries: named,
            wildcard_principals: wildcard_principals.len(),
        });
    }
    (stores, grants.into_values().collect())
}
