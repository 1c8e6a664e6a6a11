//! Output formats, each a [`Writer`] over the same [`Report`]. Scanning knows nothing about them.

pub mod audit;
pub mod csv;
pub mod diff;
pub mod evidence;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod prometheus;
pub mod sarif;
pub mod terminal;
pub mod trends;

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use crate::engine::{RuleMeta, RuleResult, Severity, Status};

use crate::scan::ScanOutcome;

/// Everything a writer may show.
pub struct Report<'a> {
    pub outcome: &'a ScanOutcome,
    /// The rules that ran.
    pub rules: Vec<&'a RuleMeta>,
    /// SARIF `automationDetails.id` category, e.g. `rampart/terraform/`.
    pub category: String,
    /// Repository root: where relative paths in results resolve.
    pub root: PathBuf,
    /// The severity at or above which failures fail the run.
    pub fail_on: Option<Severity>,
    /// Control frameworks the auditor report lays results out by.
    pub frameworks: Vec<crate::engine::frameworks::Framework>,
    /// Change across earlier scans, when their evidence packs were given.
    pub trends: Option<trends::Trends>,
}

pub trait Writer {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()>;
}

/// Counts of results by status and by severity of failures.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub by_status: BTreeMap<String, usize>,
    /// Failures (not waived) by severity.
    pub failures_by_severity: BTreeMap<String, usize>,
    pub new_failures: usize,
    pub resources: usize,
    pub rules: usize,
}

impl Report<'_> {
    pub fn results(&self) -> &[RuleResult] {
        &self.outcome.results
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            resources: self.outcome.snapshot.resources.len(),
            rules: self.rules.len(),
            ..Default::default()
        };
        for st in ["pass", "fail", "error", "waived"] {
            s.by_status.insert(st.into(), 0);
        }
        for r in self.results() {
            *s.by_status.entry(r.status.as_str().into()).or_default() += 1;
            if r.status == Status::Fail {
                *s.failures_by_severity
                    .entry(r.severity.as_str().into())
                    .or_default() += 1;
                if r.is_new_failure() {
                    s.new_failures += 1;
                }
            }
        }
        s
    }

    /// Failures that fail the run: new (not in the baseline), not waived, at or above the threshold.
    pub fn blocking(&self) -> impl Iterator<Item = &RuleResult> {
        self.results()
            .iter()
            .filter(move |r| r.is_new_failure() && self.fail_on.is_some_and(|t| r.severity >= t))
    }
}

/// A message as SARIF likes it: one sentence, ending with a period.
pub fn sentence(s: &str) -> String {
    let t = s.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// Text from the input, safe anywhere in GitHub-flavoured Markdown (a table cell, a list item):
/// every character that means something inline escaped (and any punctuation that starts the
/// text, which could open a block), so nothing read becomes a link, an image, HTML, emphasis, a
/// code span or a table column; bare URLs, `www.` and addresses broken with a zero-width space
/// so GitHub does not make links of them; line breaks as spaces and control characters as
/// escapes.
pub fn markdown_text(s: &str) -> String {
    const INLINE: &str = "\\`*_[]()<>!&|~$";
    let unlinked = s
        .replace("://", ":\u{200B}//")
        .replace("www.", "www\u{200B}.")
        .replace('@', "@\u{200B}");
    let mut out = String::with_capacity(unlinked.len() + 8);
    // `1.` at the start opens an ordered list.
    let mut only_digits_so_far = true;
    for (i, c) in unlinked.chars().enumerate() {
        let opens_block = i == 0 || (only_digits_so_far && c == '.');
        only_digits_so_far &= c.is_ascii_digit();
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.extend(c.escape_default()),
            c if INLINE.contains(c) || (opens_block && c.is_ascii_punctuation()) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Source lines as a code frame shows them: the value of anything that looks like a secret
/// (`password = "…"`, a user data heredoc, a container's `env` value, `command` and `args`
/// lists, a `sensitive(…)` call) replaced by `<redacted>`, and control characters escaped.
pub fn masked_source_lines(lines: &[&str]) -> Vec<String> {
    // Compiled once: a terminal report shows a frame per finding.
    static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"^(\s*-?\s*"?([A-Za-z_][A-Za-z0-9_.-]*)"?\s*[=:])\s*(.*)$"#)
            .expect("valid regex")
    });
    static SECRET: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)(pass(word|wd)?|secret|token|credential|private.?key|api.?key|access.?key|auth|^value$|^user_data|^command$|^args$|^environment$|^variables$)",
        )
        .expect("valid regex")
    });
    let (key_re, secret_re) = (&*KEY, &*SECRET);
    let mut out = Vec::with_capacity(lines.len());
    let mut heredoc: Option<String> = None;
    let mut list_under: Option<usize> = None;
    for line in lines {
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
                out.push(crate::model::printable(line));
            } else {
                out.push(format!("{}{}", leading(line), crate::model::REDACTED));
            }
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if let Some(level) = list_under {
            // YAML puts a key's list items at its own indentation or deeper.
            if (indent >= level && line.trim_start().starts_with('-')) || line.trim().is_empty() {
                out.push(format!("{}- {}", leading(line), crate::model::REDACTED));
                continue;
            }
            list_under = None;
        }
        match key_re.captures(line) {
            Some(c) if secret_re.is_match(&c[2]) || c[3].contains("sensitive(") => {
                let value = c[3].trim();
                if let Some(tag) = value.strip_prefix("<<") {
                    heredoc = Some(tag.trim_start_matches('-').trim().to_string());
                } else if value.is_empty() || value == "|" || value == ">" {
                    list_under = Some(indent);
                }
                let shown = if value.is_empty() || value == "{" || value == "[" {
                    value.to_string()
                } else {
                    crate::model::REDACTED.to_string()
                };
                let key = crate::model::printable(&c[1]);
                out.push(if shown.is_empty() {
                    key
                } else {
                    format!("{key} {shown}")
                });
            }
            _ => out.push(crate::model::printable(line)),
        }
    }
    out
}

fn leading(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text from the input rendered by a GitHub-flavoured Markdown parser, in a table cell and in
    /// a list item as the writers place it: it must come back as plain text, character for
    /// character, and nothing else (no link, image, HTML, code, emphasis, math or extra column).
    #[test]
    fn markdown_text_stays_text_in_every_position() {
        use comrak::nodes::NodeValue;
        let hostile = [
            "[click](https://evil.example/x) ![img](http://e/i.png) <img src=x onerror=alert(1)>",
            "<script>alert(1)</script> &lt;b&gt; &amp; &#x41;",
            "`code` **bold** _em_ ~~gone~~ $x^2$ a|b|c \\| ||",
            "www.evil.example user@evil.example https://evil.example",
            "# heading",
            "- item",
            "1. one",
            "> quote",
            "---",
            "[^1] [ref]: http://x \"title\"",
            "<!-- comment --> <https://auto.link>",
            "![x][y]\n[y]: http://img",
            ":smile: @someone #123",
        ];
        let mut inputs: Vec<String> = hostile.iter().map(|s| s.to_string()).collect();
        // Every pair of the characters that mean something in Markdown, and three-character
        // runs of the most dangerous, so no combination of two is missed.
        let alphabet: Vec<char> = "\\`*_[]()<>!&|~$#+-.=:/@\"' ".chars().collect();
        for a in &alphabet {
            for b in &alphabet {
                inputs.push(format!("x{a}{b}y"));
                inputs.push(format!("{a}{b}[a](b)"));
            }
        }
        let mut options = comrak::Options::default();
        let ext = &mut options.extension;
        (ext.strikethrough, ext.table, ext.autolink, ext.tasklist) = (true, true, true, true);
        (ext.footnotes, ext.math_dollars, ext.superscript) = (true, true, true);
        options.parse.relaxed_autolinks = true;
        for input in &inputs {
            let cell = markdown_text(input);
            for doc in [
                format!("| a | b |\n|---|---|\n| {cell} | z |\n"),
                format!("- {cell}\n"),
            ] {
                let arena = comrak::Arena::new();
                let root = comrak::parse_document(&arena, &doc, &options);
                let mut text = String::new();
                let mut cells = 0;
                for node in root.descendants() {
                    match &node.data().value {
                        NodeValue::Text(t) => text.push_str(t),
                        NodeValue::TableCell => cells += 1,
                        NodeValue::Document
                        | NodeValue::Paragraph
                        | NodeValue::List(_)
                        | NodeValue::Item(_)
                        | NodeValue::Table(_)
                        | NodeValue::TableRow(_)
                        | NodeValue::Escaped => {}
                        other => panic!("{input:?} became {other:?} in {doc:?}"),
                    }
                }
                let expected = input.replace('\n', " ");
                let text = text.replace('\u{200B}', "");
                assert!(
                    text.contains(expected.trim()),
                    "{input:?} read back as {text:?}"
                );
                if doc.starts_with('|') {
                    assert_eq!(cells, 4, "{input:?} changed the table: {doc:?}");
                }
            }
        }
    }

    #[test]
    fn code_frames_hide_what_looks_like_a_secret() {
        let src = [
            "resource \"aws_db_instance\" \"db\" {",
            "  password = \"hunter2\"",
            "  user_data = <<-EOF",
            "    export TOKEN=t0ps3cret",
            "  EOF",
            "  engine = \"postgres\"",
            "        args:",
            "        - --api-key=abc123",
            "        env:",
            "        - name: DB_PASSWORD",
            "          value: supersecret",
            "  name = \"\u{1b}]8;;http://x\u{7}\"",
        ];
        let shown = masked_source_lines(&src).join("\n");
        for secret in ["hunter2", "t0ps3cret", "abc123", "supersecret"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("engine = \"postgres\""), "{shown}");
        assert!(shown.contains("  EOF"), "{shown}");
        assert!(!shown.contains('\u{1b}'));
    }
}
