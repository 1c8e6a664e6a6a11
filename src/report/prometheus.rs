//! Prometheus exposition for the existing Grafana: result counts by rule, severity, status,
//! account and region, plus scan metadata gauges. Written as a node-exporter textfile or pushed to
//! a Pushgateway.

use std::collections::BTreeMap;
use std::io;

use super::{Report, Writer};

pub struct PrometheusWriter;

/// Escapes a label value as the exposition format requires.
fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Writer for PrometheusWriter {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let o = report.outcome;
        let accounts: BTreeMap<&str, (&str, &str)> = o
            .snapshot
            .resources
            .iter()
            .map(|r| {
                (
                    r.uid.as_str(),
                    (
                        r.account.as_deref().unwrap_or(""),
                        r.region.as_deref().unwrap_or(""),
                    ),
                )
            })
            .collect();
        let mut counts: BTreeMap<(String, &str, &str, &str, &str), usize> = BTreeMap::new();
        for r in &o.results {
            let (acct, region) = accounts
                .get(r.resource.uid.as_str())
                .copied()
                .unwrap_or(("", ""));
            *counts
                .entry((
                    r.rule_id.clone(),
                    r.severity.as_str(),
                    r.status.as_str(),
                    acct,
                    region,
                ))
                .or_default() += 1;
        }
        writeln!(out, "# HELP rampart_results Results of the last scan by rule, severity, status, account and region.")?;
        writeln!(out, "# TYPE rampart_results gauge")?;
        for ((rule, sev, status, acct, region), n) in &counts {
            writeln!(
                out,
                r#"rampart_results{{rule="{}",severity="{sev}",status="{status}",account="{}",region="{}"}} {n}"#,
                label(rule),
                label(acct),
                label(region)
            )?;
        }
        // Failures by the frameworks the report lays out (a failure of a rule mapped to two
        // frameworks counts in each), by severity: what a compliance dashboard plots.
        let mut by_framework: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let rules: BTreeMap<&str, &crate::engine::RuleMeta> =
            report.rules.iter().map(|m| (m.id.as_str(), *m)).collect();
        for r in o
            .results
            .iter()
            .filter(|r| r.status == crate::engine::Status::Fail)
        {
            let Some(rule) = rules.get(r.rule_id.as_str()) else {
                continue;
            };
            for fw in report
                .frameworks
                .iter()
                .filter(|fw| rule.controls.contains_key(&fw.id))
            {
                *by_framework
                    .entry((fw.id.as_str(), r.severity.as_str()))
                    .or_default() += 1;
            }
        }
        writeln!(out, "# HELP rampart_framework_failures Failures of the last scan by control framework and severity.")?;
        writeln!(out, "# TYPE rampart_framework_failures gauge")?;
        for ((fw, sev), n) in &by_framework {
            writeln!(
                out,
                r#"rampart_framework_failures{{framework="{}",severity="{sev}"}} {n}"#,
                label(fw)
            )?;
        }
        let s = report.summary();
        let gauges: [(&str, &str, String); 6] = [
            (
                "rampart_scan_timestamp_seconds",
                "When the scan ran (Unix time).",
                o.scanned_at.unix_timestamp().to_string(),
            ),
            (
                "rampart_scan_incomplete",
                "1 if some input could not be read, collected or assessed.",
                u8::from(o.is_incomplete()).to_string(),
            ),
            (
                "rampart_resources",
                "Resources in the snapshot.",
                s.resources.to_string(),
            ),
            ("rampart_rules", "Rules evaluated.", s.rules.to_string()),
            (
                "rampart_new_failures",
                "Failures not in the baseline (all failures without one).",
                s.new_failures.to_string(),
            ),
            (
                "rampart_coverage_gaps",
                "Coverage entries that are not ok, plus input errors.",
                {
                    let gaps = o
                        .snapshot
                        .coverage
                        .iter()
                        .filter(|c| c.status != crate::model::CoverageStatus::Ok)
                        .count()
                        + o.snapshot
                            .diagnostics
                            .iter()
                            .filter(|d| d.level == crate::model::DiagnosticLevel::Error)
                            .count();
                    gaps.to_string()
                },
            ),
        ];
        for (name, help, value) in gauges {
            writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            )?;
        }
        writeln!(
            out,
            "# HELP rampart_scan_info Scan metadata.\n# TYPE rampart_scan_info gauge\nrampart_scan_info{{version=\"{}\",policy_digest=\"{}\",snapshot_digest=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION"),
            o.policy_digest,
            o.snapshot_digest
        )
    }
}

/// The Pushgateway did not take the metrics.
#[derive(Debug, thiserror::Error)]
#[error("push to {endpoint}: {source}")]
pub struct PushError {
    endpoint: String,
    source: ureq::Error,
}

/// Pushes metrics to a Pushgateway (`http://host:9091`), replacing the job's group.
pub fn push(url: &str, job: &str, body: &[u8]) -> Result<(), PushError> {
    let endpoint = format!("{}/metrics/job/{}", url.trim_end_matches('/'), job);
    match ureq::put(&endpoint)
        .header("Content-Type", "text/plain; version=0.0.4")
        .send(body)
    {
        Ok(_) => Ok(()),
        Err(source) => Err(PushError { endpoint, source }),
    }
}
