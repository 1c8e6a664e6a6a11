//! A Markdown summary for `$GITHUB_STEP_SUMMARY` and pull-request comments.

use std::io;

use super::{markdown_text as cell, Report, Writer};
use crate::engine::{Severity, Status};

pub struct MarkdownWriter;

/// At most this many failures are listed (a step summary is limited to 1 MiB).
const MAX_ROWS: usize = 200;

impl Writer for MarkdownWriter {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let s = report.summary();
        let o = report.outcome;
        writeln!(
            out,
            "## rampart: {} rules on {} resources\n",
            s.rules, s.resources
        )?;
        let blocking = report.blocking().count();
        match (report.fail_on, blocking) {
            (Some(t), 0) => writeln!(out, "**No new failures at or above {t}.**\n")?,
            (Some(t), n) => writeln!(out, "**{n} new failure(s) at or above {t}.**\n")?,
            (None, _) => {}
        }
        if o.is_incomplete() {
            writeln!(out, "> [!WARNING]\n> The scan was incomplete: some input could not be read or assessed (see below).\n")?;
        }
        writeln!(out, "| Status | Results |\n|---|---:|")?;
        for (k, v) in &s.by_status {
            writeln!(out, "| {k} | {v} |")?;
        }
        writeln!(out, "\n| Severity | Failures |\n|---|---:|")?;
        for sev in [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ] {
            let n = s
                .failures_by_severity
                .get(sev.as_str())
                .copied()
                .unwrap_or(0);
            writeln!(out, "| {sev} | {n} |")?;
        }
        let mut fails: Vec<_> = o
            .results
            .iter()
            .filter(|r| r.status == Status::Fail)
            .collect();
        fails.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule_id.cmp(&b.rule_id)));
        if !fails.is_empty() {
            let with_baseline = fails.iter().any(|r| r.baseline.is_some());
            if with_baseline {
                writeln!(out, "\n### Failures\n\n| Severity | Rule | Resource | Location | Finding | Baseline |\n|---|---|---|---|---|---|")?;
            } else {
                writeln!(out, "\n### Failures\n\n| Severity | Rule | Resource | Location | Finding |\n|---|---|---|---|---|")?;
            }
            for r in fails.iter().take(MAX_ROWS) {
                let loc = r
                    .location
                    .as_ref()
                    .map(|l| format!("{}:{}", cell(&l.file), l.start_line))
                    .unwrap_or_default();
                let base = match r.baseline {
                    Some(crate::engine::BaselineState::New) => "new",
                    Some(crate::engine::BaselineState::Unchanged) => "unchanged",
                    None => "",
                };
                write!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    r.severity,
                    cell(&r.rule_id),
                    cell(&r.resource.uid),
                    loc,
                    cell(&r.message)
                )?;
                if with_baseline {
                    write!(out, " {base} |")?;
                }
                writeln!(out)?;
            }
            if fails.len() > MAX_ROWS {
                writeln!(
                    out,
                    "\n…and {} more (see the SARIF or JSON output).",
                    fails.len() - MAX_ROWS
                )?;
            }
        }
        let waived: Vec<_> = o
            .results
            .iter()
            .filter(|r| r.status == Status::Waived)
            .collect();
        if !waived.is_empty() {
            writeln!(out, "\n### Waived\n\n| Rule | Resource | Reason | Owner | Expires |\n|---|---|---|---|---|")?;
            for r in waived.iter().take(MAX_ROWS) {
                let sup = r.suppression.as_ref();
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&r.rule_id),
                    cell(&r.resource.uid),
                    cell(sup.map(|s| s.reason.as_str()).unwrap_or("")),
                    cell(sup.and_then(|s| s.owner.as_deref()).unwrap_or("")),
                    cell(sup.and_then(|s| s.expires.as_deref()).unwrap_or(""))
                )?;
            }
        }
        let errors: Vec<_> = o
            .results
            .iter()
            .filter(|r| r.status == Status::Error)
            .collect();
        let problems: Vec<String> = o
            .snapshot
            .diagnostics
            .iter()
            .map(|d| {
                let at = d
                    .span
                    .as_ref()
                    .map(|s| format!("{}:{} ", cell(&s.file), s.start_line))
                    .unwrap_or_default();
                format!("- {at}{}", cell(&d.message))
            })
            .chain(errors.iter().map(|r| {
                format!(
                    "- {} not assessed on {}: {}",
                    cell(&r.rule_id),
                    cell(&r.resource.uid),
                    cell(&r.message)
                )
            }))
            .chain(
                o.snapshot
                    .coverage
                    .iter()
                    .filter(|c| c.status != crate::model::CoverageStatus::Ok)
                    .map(|c| format!("- {}: {}", cell(&c.scope), cell(&c.detail))),
            )
            .collect();
        if !problems.is_empty() {
            writeln!(out, "\n### Not assessed and input problems\n")?;
            for p in problems.iter().take(MAX_ROWS) {
                writeln!(out, "{p}")?;
            }
        }
        writeln!(
            out,
            "\n<sub>rampart {} · policy bundle `{}`</sub>",
            env!("CARGO_PKG_VERSION"),
            &o.policy_digest[..12]
        )?;
        Ok(())
    }
}
