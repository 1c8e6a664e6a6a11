//! Terminal output: failures grouped by severity and file, with the offending lines, colored
//! when the stream is a terminal (anstream strips the colors otherwise).

use anstyle::{AnsiColor, Style};
use std::collections::BTreeMap;
use std::io;

use super::{masked_source_lines, Report, Writer};
use crate::engine::{Severity, Status};
use crate::model::printable;

pub struct TerminalWriter;

fn style(sev: Severity) -> Style {
    let c = match sev {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low | Severity::Info => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

/// Text from the input that starts a line: printable, and never a GitHub Actions workflow command
/// (the runner acts on any output line that starts with `::` after its indentation, e.g. a file
/// named `::add-mask::x.tf` or `::stop-commands::t.tf`), which a zero-width space defuses.
fn line_start(text: &str) -> String {
    let p = printable(text);
    if p.trim_start().starts_with("::") {
        format!("\u{200B}{p}")
    } else {
        p
    }
}

/// Lines shown around a finding at most.
const MAX_SNIPPET: u32 = 6;

impl Writer for TerminalWriter {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let dim = Style::new().dimmed();
        let bold = Style::new().bold();
        let o = report.outcome;
        let mut groups: BTreeMap<(std::cmp::Reverse<Severity>, String), Vec<_>> = BTreeMap::new();
        for r in o.results.iter().filter(|r| r.status == Status::Fail) {
            let file = r
                .location
                .as_ref()
                .map(|l| l.file.clone())
                .unwrap_or_default();
            groups
                .entry((std::cmp::Reverse(r.severity), file))
                .or_default()
                .push(r);
        }
        let mut file_cache: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
        let mut last_sev = None;
        for ((sev, file), results) in &groups {
            if last_sev != Some(sev.0) {
                let st = style(sev.0);
                writeln!(out, "\n{st}{}{st:#}", sev.0.as_str().to_uppercase())?;
                last_sev = Some(sev.0);
            }
            writeln!(out, "  {bold}{}{bold:#}", line_start(file))?;
            for r in results {
                let st = style(r.severity);
                let line = r.location.as_ref().map(|l| l.start_line).unwrap_or(0);
                writeln!(
                    out,
                    "    {st}{}{st:#} {}:{line} {}",
                    r.rule_id,
                    printable(&r.resource.uid),
                    printable(&r.message)
                )?;
                let Some(loc) = &r.location else { continue };
                let lines = file_cache.entry(loc.file.clone()).or_insert_with(|| {
                    std::fs::read_to_string(report.root.join(&loc.file))
                        .ok()
                        .map(|t| t.lines().map(str::to_string).collect())
                });
                if let Some(lines) = lines {
                    let end = loc.end_line.min(loc.start_line + MAX_SNIPPET - 1);
                    let frame: Vec<&str> = (loc.start_line..=end)
                        .filter_map(|n| lines.get(n as usize - 1).map(String::as_str))
                        .collect();
                    for (i, text) in masked_source_lines(&frame).iter().enumerate() {
                        let n = loc.start_line as usize + i;
                        writeln!(out, "      {dim}{n:>5} |{dim:#} {text}")?;
                    }
                }
            }
        }
        let errors: Vec<_> = o
            .results
            .iter()
            .filter(|r| r.status == Status::Error)
            .collect();
        if !errors.is_empty() {
            let st = Style::new()
                .fg_color(Some(AnsiColor::Magenta.into()))
                .bold();
            writeln!(out, "\n{st}NOT ASSESSED{st:#}")?;
            for r in errors {
                writeln!(
                    out,
                    "    {} {}: {}",
                    r.rule_id,
                    printable(&r.resource.uid),
                    printable(&r.message)
                )?;
            }
        }
        if !o.snapshot.diagnostics.is_empty() {
            let st = Style::new()
                .fg_color(Some(AnsiColor::Magenta.into()))
                .bold();
            writeln!(out, "\n{st}INPUT PROBLEMS{st:#}")?;
            for d in &o.snapshot.diagnostics {
                let at = d
                    .span
                    .as_ref()
                    .map(|s| {
                        format!(
                            "{}:{}{}: ",
                            line_start(&s.file),
                            s.start_line,
                            d.column.map(|c| format!(":{c}")).unwrap_or_default()
                        )
                    })
                    .unwrap_or_default();
                let message = match at.is_empty() {
                    true => line_start(&d.message),
                    false => printable(&d.message),
                };
                writeln!(out, "    {at}{message}")?;
            }
        }
        let s = report.summary();
        writeln!(
            out,
            "\n{bold}{} rules, {} resources:{bold:#} {} passed, {} failed, {} waived, {} not assessed",
            s.rules, s.resources, s.by_status["pass"], s.by_status["fail"], s.by_status["waived"], s.by_status["error"]
        )?;
        if s.new_failures != s.by_status["fail"] {
            writeln!(
                out,
                "{} of the failures are new against the baseline",
                s.new_failures
            )?;
        }
        Ok(())
    }
}
