//! Trends across scans: given earlier evidence packs, which failures are new, resolved or
//! persisting, and how long each severity took to fix.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::engine::{RuleResult, Status};

#[derive(Debug, thiserror::Error)]
#[error("evidence pack {path}: {message}")]
pub struct TrendError {
    pub path: String,
    pub message: String,
}

/// One failure as it appears across scans.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct FailureRef {
    pub fingerprint: String,
    pub rule_id: String,
    pub severity: String,
    pub resource: String,
    pub message: String,
}

/// The failures of one scan.
#[derive(Clone, Debug)]
pub struct ScanFailures {
    pub at: time::OffsetDateTime,
    pub failures: BTreeMap<String, FailureRef>,
}

impl ScanFailures {
    pub fn from_results(at: time::OffsetDateTime, results: &[RuleResult]) -> Self {
        let failures = results
            .iter()
            .filter(|r| r.status == Status::Fail)
            .map(|r| {
                (
                    r.fingerprint.clone(),
                    FailureRef {
                        fingerprint: r.fingerprint.clone(),
                        rule_id: r.rule_id.clone(),
                        severity: r.severity.as_str().into(),
                        resource: r.resource.uid.clone(),
                        message: r.message.clone(),
                    },
                )
            })
            .collect();
        ScanFailures { at, failures }
    }

    /// Reads an evidence pack written by `rampart report --evidence`.
    pub fn load_pack(dir: &Path) -> Result<Self, TrendError> {
        let err = |m: String| TrendError {
            path: dir.display().to_string(),
            message: m,
        };
        let read = |name: &str| -> Result<serde_json::Value, TrendError> {
            let text =
                std::fs::read_to_string(dir.join(name)).map_err(|e| err(format!("{name}: {e}")))?;
            serde_json::from_str(&text).map_err(|e| err(format!("{name}: {e}")))
        };
        let manifest = read("manifest.json")?;
        let created = manifest["created"]
            .as_str()
            .ok_or_else(|| err("manifest.json has no created time".into()))?;
        let at =
            time::OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339)
                .map_err(|e| err(format!("created {created:?}: {e}")))?;
        let findings = read("findings.json")?;
        let results: Vec<RuleResult> = serde_json::from_value(findings["results"].clone())
            .map_err(|e| err(format!("findings.json: {e}")))?;
        Ok(ScanFailures::from_results(at, &results))
    }
}

#[derive(Serialize, Clone, Debug, Default, PartialEq)]
pub struct FixTime {
    pub fixed: usize,
    pub mean_days: f64,
    pub max_days: f64,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct ScanPoint {
    pub at: String,
    pub failures: usize,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Trends {
    /// Every scan, oldest first, with its failure count.
    pub scans: Vec<ScanPoint>,
    /// Failing now, not in the previous scan.
    pub new: Vec<FailureRef>,
    /// Failing in the previous scan, not now.
    pub resolved: Vec<FailureRef>,
    pub persisting: usize,
    /// Days from first seen to the first scan without it, per severity.
    pub time_to_fix: BTreeMap<String, FixTime>,
}

/// Trends from earlier scans (any order) to the current one.
pub fn compute(mut earlier: Vec<ScanFailures>, current: ScanFailures) -> Trends {
    earlier.sort_by_key(|s| s.at);
    let previous = earlier.last().cloned();
    let mut scans = earlier;
    scans.push(current);
    let current = scans.last().expect("current scan");
    let (new, resolved, persisting) = match &previous {
        Some(p) => (
            current
                .failures
                .iter()
                .filter(|(k, _)| !p.failures.contains_key(*k))
                .map(|(_, v)| v.clone())
                .collect(),
            p.failures
                .iter()
                .filter(|(k, _)| !current.failures.contains_key(*k))
                .map(|(_, v)| v.clone())
                .collect(),
            current
                .failures
                .keys()
                .filter(|k| p.failures.contains_key(*k))
                .count(),
        ),
        None => (current.failures.values().cloned().collect(), Vec::new(), 0),
    };
    // Walk the scans in order: a failure opens when first seen, closes at the first scan without it.
    let mut open: HashMap<&str, (time::OffsetDateTime, &str)> = HashMap::new();
    let mut fixes: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for s in &scans {
        open.retain(|fp, (since, severity)| {
            if s.failures.contains_key(*fp) {
                true
            } else {
                let days = (s.at - *since).as_seconds_f64() / 86_400.0;
                fixes.entry(severity.to_string()).or_default().push(days);
                false
            }
        });
        for (fp, f) in &s.failures {
            open.entry(fp.as_str())
                .or_insert((s.at, f.severity.as_str()));
        }
    }
    let time_to_fix = fixes
        .into_iter()
        .map(|(sev, days)| {
            let n = days.len();
            let mean = days.iter().sum::<f64>() / n as f64;
            let max = days.iter().cloned().fold(0.0, f64::max);
            (
                sev,
                FixTime {
                    fixed: n,
                    mean_days: (mean * 10.0).round() / 10.0,
                    max_days: (max * 10.0).round() / 10.0,
                },
            )
        })
        .collect();
    Trends {
        scans: scans
            .iter()
            .map(|s| ScanPoint {
                at: crate::model::timestamp(s.at),
                failures: s.failures.len(),
            })
            .collect(),
        new,
        resolved,
        persisting,
        time_to_fix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(day: i64, fps: &[(&str, &str)]) -> ScanFailures {
        ScanFailures {
            at: time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(day),
            failures: fps
                .iter()
                .map(|(fp, sev)| {
                    (
                        fp.to_string(),
                        FailureRef {
                            fingerprint: fp.to_string(),
                            rule_id: "R".into(),
                            severity: sev.to_string(),
                            resource: "r".into(),
                            message: "m".into(),
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn new_resolved_persisting_and_time_to_fix() {
        let t = compute(
            vec![
                scan(3, &[("a", "high"), ("b", "low")]),
                scan(0, &[("a", "high")]),
            ],
            scan(10, &[("b", "low"), ("c", "high")]),
        );
        assert_eq!(t.scans.len(), 3);
        assert_eq!(
            t.new
                .iter()
                .map(|f| f.fingerprint.as_str())
                .collect::<Vec<_>>(),
            vec!["c"]
        );
        assert_eq!(
            t.resolved
                .iter()
                .map(|f| f.fingerprint.as_str())
                .collect::<Vec<_>>(),
            vec!["a"]
        );
        assert_eq!(t.persisting, 1);
        assert_eq!(
            t.time_to_fix["high"],
            FixTime {
                fixed: 1,
                mean_days: 10.0,
                max_days: 10.0
            }
        );
    }
}
