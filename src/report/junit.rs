//! JUnit XML for CI systems: a test suite per rule, a test case per resource it applies to.
//! Failures are `<failure>`, resources not assessed are `<error>`, waived ones `<skipped>`.

use std::collections::BTreeMap;
use std::io;

use super::{Report, Writer};
use crate::engine::{RuleResult, Status};

pub struct JunitWriter;

/// Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

impl Writer for JunitWriter {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let mut by_rule: BTreeMap<&str, Vec<&RuleResult>> = BTreeMap::new();
        for r in report.results() {
            by_rule.entry(r.rule_id.as_str()).or_default().push(r);
        }
        let count = |rs: &[&RuleResult], s: Status| rs.iter().filter(|r| r.status == s).count();
        let all: Vec<&RuleResult> = report.results().iter().collect();
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="rampart" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            all.len(),
            count(&all, Status::Fail),
            count(&all, Status::Error),
            count(&all, Status::Waived)
        )?;
        for rule in &report.rules {
            let rs = by_rule.get(rule.id.as_str()).cloned().unwrap_or_default();
            writeln!(
                out,
                r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
                xml_escape(&format!("{} {}", rule.id, rule.title)),
                rs.len(),
                count(&rs, Status::Fail),
                count(&rs, Status::Error),
                count(&rs, Status::Waived)
            )?;
            for r in rs {
                let file = r
                    .location
                    .as_ref()
                    .map(|l| format!(r#" file="{}" line="{}""#, xml_escape(&l.file), l.start_line))
                    .unwrap_or_default();
                write!(
                    out,
                    r#"    <testcase classname="{}" name="{}"{file}>"#,
                    xml_escape(&rule.id),
                    xml_escape(&r.resource.uid)
                )?;
                let msg = xml_escape(&r.message);
                match r.status {
                    Status::Pass => {}
                    Status::Fail => write!(
                        out,
                        r#"<failure type="{}" message="{msg}">{msg}</failure>"#,
                        rule.severity
                    )?,
                    Status::Error => write!(out, r#"<error message="{msg}">{msg}</error>"#)?,
                    Status::Waived => {
                        let why = r
                            .suppression
                            .as_ref()
                            .map(|s| xml_escape(&s.reason))
                            .unwrap_or_default();
                        write!(out, r#"<skipped message="waived: {why}"/>"#)?
                    }
                }
                writeln!(out, "</testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}
