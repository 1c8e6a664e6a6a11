//! Suppressions: inline `rampart:ignore` comments and the waiver file. Both need a reason; an
//! expired one stops suppressing and says so. Suppressed results stay in every output, marked.

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::path::Path;

use crate::engine::{RuleResult, Status, Suppression};
use crate::model::{Diagnostic, DiagnosticLevel, InlineSuppression, Resource, Span};

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
#[serde(deny_unknown_fields)]
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
    /// Where the waiver is written (its `rule:` line).
    pub span: Option<Span>,
}

fn parse_date(s: &str) -> Option<time::Date> {
    crate::model::parse_date(s).ok()
}

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// A waiver file's waivers and what is wrong with it. A waiver that is not valid (no reason or
/// owner, a date that is not one, a pattern that does not compile) suppresses nothing and is
/// reported with its line; a file that cannot be read or parsed suppresses nothing at all.
/// Either way the run goes on and says it is incomplete.
#[derive(Debug, Default, Clone)]
pub struct WaiverFile {
    pub waivers: Vec<Waiver>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and validates a waiver file (YAML, `waivers:` list). `rel` names it in diagnostics.
pub fn load_waivers(path: &Path, rel: &str) -> WaiverFile {
    let mut out = WaiverFile::default();
    let problem = |line: u32, message: String| {
        Diagnostic::at_line(DiagnosticLevel::Error, rel, line, message)
    };
    let text = match crate::input::read_text(path, rel) {
        Ok(t) => t,
        Err(d) => {
            out.diagnostics.push(d);
            return out;
        }
    };
    let raw: RawWaiverFile = match serde_yaml_ng::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line() as u32);
            out.diagnostics.push(problem(
                line,
                format!(
                    "not a valid waiver file, no waiver in it applies: {}",
                    crate::model::excerpt(&e.to_string())
                ),
            ));
            return out;
        }
    };
    let lines = waiver_lines(&text);
    for (i, w) in raw.waivers.into_iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let invalid = |m: String| {
            problem(
                line,
                format!(
                    "waiver #{} ({} on {}) does not apply: {m}",
                    i + 1,
                    crate::model::excerpt(&w.rule),
                    crate::model::excerpt(&w.resource)
                ),
            )
        };
        let reason = w.reason.clone().filter(|r| !r.trim().is_empty());
        let owner = w.owner.clone().filter(|r| !r.trim().is_empty());
        let expires = w.expires.as_deref().map(|e| parse_date(e).ok_or(e));
        let matcher = Glob::new(&w.resource).map(|g| g.compile_matcher());
        match (reason, owner, expires, matcher) {
            (None, ..) => out.diagnostics.push(invalid("a reason is required".into())),
            (_, None, ..) => out.diagnostics.push(invalid("an owner is required".into())),
            (_, _, Some(Err(e)), _) => out.diagnostics.push(invalid(format!(
                "expires {:?} is not a YYYY-MM-DD date",
                crate::model::excerpt(e)
            ))),
            (_, _, _, Err(e)) => out.diagnostics.push(invalid(e.to_string())),
            (Some(reason), Some(owner), expires, Ok(matcher)) => out.waivers.push(Waiver {
                rule: w.rule,
                resource: w.resource,
                matcher,
                reason,
                owner,
                expires: expires.and_then(Result::ok),
                span: Some(Span {
                    file: rel.to_string(),
                    start_line: line,
                    end_line: line,
                }),
            }),
        }
    }
    out
}

/// The waiver file found by convention, `.rampart/waivers.yaml` under the scanned repository:
/// read only if it resolves inside the repository. A link out of it (to a runner's credentials,
/// say, from a pull request) is refused, and the refusal is what is reported.
pub fn conventional_waivers(root: &Path) -> WaiverFile {
    let rel = ".rampart/waivers.yaml";
    let path = root.join(rel);
    if std::fs::symlink_metadata(&path).is_err() {
        return WaiverFile::default();
    }
    match crate::input::inside_root(root, &path) {
        Ok(p) => load_waivers(&p, rel),
        Err(why) => WaiverFile {
            waivers: Vec::new(),
            diagnostics: vec![Diagnostic::at_line(
                DiagnosticLevel::Error,
                rel,
                1,
                why.to_string(),
            )],
        },
    }
}

/// The line of each waiver's `rule:` key, in order.
fn waiver_lines(text: &str) -> Vec<u32> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start().trim_start_matches('-').trim_start();
            t.starts_with("rule:") || t.starts_with("\"rule\":") || t.starts_with("'rule':")
        })
        .map(|(i, _)| i as u32 + 1)
        .collect()
}

impl WaiverFile {
    /// Drops waivers and inline suppressions that name no rule `known` has, each reported: a
    /// misspelled id suppresses nothing, and the run says so.
    pub fn check_rules(&mut self, known: &dyn Fn(&str) -> bool) {
        let (keep, unknown): (Vec<Waiver>, Vec<Waiver>) = std::mem::take(&mut self.waivers)
            .into_iter()
            .partition(|w| w.rule == "*" || known(&w.rule));
        self.waivers = keep;
        for w in unknown {
            self.diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Error,
                message: format!(
                    "waiver for {} on {} names no rule rampart has; it does not apply",
                    crate::model::excerpt(&w.rule),
                    crate::model::excerpt(&w.resource)
                ),
                span: w.span,
                column: None,
            });
        }
    }
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
    known_rule: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let by_uid: std::collections::HashMap<&str, &Resource> =
        resources.iter().map(|r| (r.uid.as_str(), r)).collect();
    // A comment that cannot suppress is reported where it is written: without a reason, with a
    // date that is not one (it would otherwise never expire), or naming no rule.
    let problem = |s: &InlineSuppression| -> Option<(DiagnosticLevel, String)> {
        let rule = crate::model::excerpt(&s.rule);
        if s.reason.is_none() {
            return Some((
                DiagnosticLevel::Warning,
                format!("rampart:ignore {rule} has no reason=\"…\"; it does not suppress anything"),
            ));
        }
        if let Some(e) = s.expires.as_deref().filter(|e| parse_date(e).is_none()) {
            return Some((
                DiagnosticLevel::Error,
                format!(
                    "rampart:ignore {rule}: expires={} is not a YYYY-MM-DD date; it does not suppress anything",
                    crate::model::excerpt(e)
                ),
            ));
        }
        (!known_rule(&s.rule)).then(|| {
            (
                DiagnosticLevel::Error,
                format!("rampart:ignore {rule} names no rule rampart has; it does not suppress anything"),
            )
        })
    };
    for r in resources {
        for s in &r.inline_suppressions {
            if let Some((level, message)) = problem(s) {
                diags.push(Diagnostic {
                    level,
                    message,
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
                span: w.span.clone(),
                column: None,
            });
        }
    }
    for result in results.iter_mut().filter(|r| r.status == Status::Fail) {
        let inline = by_uid.get(result.resource.uid.as_str()).and_then(|res| {
            res.inline_suppressions
                .iter()
                .find(|s| s.rule.eq_ignore_ascii_case(&result.rule_id) && problem(s).is_none())
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

    fn load(text: &str) -> WaiverFile {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.yaml");
        std::fs::write(&p, text).unwrap();
        load_waivers(&p, "w.yaml")
    }

    #[test]
    fn invalid_waivers_are_reported_at_their_line_and_the_rest_apply() {
        let w = load(concat!(
            "waivers:\n",
            "  - rule: NET-01\n    resource: '*'\n    reason: r\n    owner: o\n",
            "  - rule: NET-02\n    resource: '*'\n    reason: r\n",
            "  - rule: NET-03\n    resource: '*'\n    reason: r\n    owner: o\n    expires: 2027-13-45\n",
        ));
        assert_eq!(w.waivers.len(), 1);
        let lines: Vec<u32> = w
            .diagnostics
            .iter()
            .map(|d| d.span.as_ref().unwrap().start_line)
            .collect();
        assert_eq!(lines, vec![6, 9], "{:?}", w.diagnostics);
        assert!(w.diagnostics[0].message.contains("owner is required"));
        assert!(w.diagnostics[1].message.contains("2027-13-45"));
    }

    #[test]
    fn a_misspelled_key_or_rule_is_an_error() {
        let w = load("waiver:\n  - rule: NET-01\n");
        assert!(w.waivers.is_empty());
        assert!(
            w.diagnostics[0].message.contains("unknown field"),
            "{:?}",
            w.diagnostics
        );
        let mut w = load("waivers:\n  - rule: NET-99\n    resource: x\n    reason: r\n    owner: o\n    colour: red\n");
        assert!(
            w.waivers.is_empty(),
            "an unknown key in a waiver rejects the file"
        );
        let mut ok =
            load("waivers:\n  - rule: NET-99\n    resource: x\n    reason: r\n    owner: o\n");
        ok.check_rules(&|id| id == "NET-01");
        assert!(ok.waivers.is_empty());
        assert_eq!(ok.diagnostics[0].span.as_ref().unwrap().start_line, 2);
        w.check_rules(&|_| true);
    }
}
