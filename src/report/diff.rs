//! What changed between two runs, from their findings files: failures that are new, resolved or
//! unchanged (matched by fingerprint). A failure that is gone because its rule could not assess
//! the data this time is "not assessed", never "resolved".

use super::markdown_text as md;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One failure, as the findings file has it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    pub rule_id: String,
    pub severity: String,
    pub resource: String,
    pub message: String,
    pub fingerprint: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Diff {
    pub new: Vec<Failure>,
    pub resolved: Vec<Failure>,
    pub unchanged: Vec<Failure>,
    /// Failures of the old run whose rule reported `error` in the new one.
    pub not_assessed: Vec<Failure>,
    /// `error` results of the new run (data that could not be read).
    pub new_run_errors: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}: not a rampart findings file (`--json` output)")]
pub struct NotFindings(pub String);

fn failures(doc: &Json) -> BTreeMap<String, Failure> {
    doc["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["status"] == "fail")
        .filter_map(|r| {
            let f = Failure {
                rule_id: r["rule_id"].as_str()?.to_string(),
                severity: r["severity"].as_str().unwrap_or_default().to_string(),
                resource: r["resource"]["name"]
                    .as_str()
                    .or(r["resource"]["uid"].as_str())
                    .unwrap_or_default()
                    .to_string(),
                message: r["message"].as_str().unwrap_or_default().to_string(),
                fingerprint: r["fingerprint"].as_str()?.to_string(),
            };
            Some((f.fingerprint.clone(), f))
        })
        .collect()
}

/// Compares two findings documents; `names` label them in errors.
pub fn diff(old: &Json, new: &Json, names: (&str, &str)) -> Result<Diff, NotFindings> {
    for (doc, name) in [(old, names.0), (new, names.1)] {
        if doc.get("format_version").is_none() || !doc["results"].is_array() {
            return Err(NotFindings(name.to_string()));
        }
    }
    let (before, after) = (failures(old), failures(new));
    let errors: Vec<&Json> = new["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["status"] == "error")
        .collect();
    let errored: BTreeSet<&str> = errors
        .iter()
        .filter_map(|r| r["rule_id"].as_str())
        .collect();
    let mut d = Diff {
        new_run_errors: errors.len(),
        ..Default::default()
    };
    for (fp, f) in &after {
        if before.contains_key(fp) {
            d.unchanged.push(f.clone());
        } else {
            d.new.push(f.clone());
        }
    }
    for (fp, f) in before {
        if !after.contains_key(&fp) {
            if errored.contains(f.rule_id.as_str()) {
                d.not_assessed.push(f);
            } else {
                d.resolved.push(f);
            }
        }
    }
    for list in [
        &mut d.new,
        &mut d.resolved,
        &mut d.unchanged,
        &mut d.not_assessed,
    ] {
        list.sort();
    }
    Ok(d)
}

impl Diff {
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{} new, {} resolved, {} unchanged, {} not assessed this time",
            self.new.len(),
            self.resolved.len(),
            self.unchanged.len(),
            self.not_assessed.len()
        );
        if self.new_run_errors > 0 {
            let _ = write!(
                s,
                " ({} error result(s) in the new run)",
                self.new_run_errors
            );
        }
        s.push('\n');
        for (label, list) in [
            ("new", &self.new),
            ("resolved", &self.resolved),
            ("not assessed", &self.not_assessed),
        ] {
            for f in list {
                let _ = writeln!(
                    s,
                    "{label:>12}  {} [{}] {}: {}",
                    f.rule_id, f.severity, f.resource, f.message
                );
            }
        }
        s
    }

    /// For a GitHub step summary.
    pub fn to_markdown(&self) -> String {
        let mut s = String::from("## What changed since the previous scan\n\n");
        let _ = writeln!(
            s,
            "| new | resolved | unchanged | not assessed |\n|---|---|---|---|\n| {} | {} | {} | {} |\n",
            self.new.len(),
            self.resolved.len(),
            self.unchanged.len(),
            self.not_assessed.len()
        );
        for (label, list) in [
            ("New", &self.new),
            ("Resolved", &self.resolved),
            ("Not assessed this time", &self.not_assessed),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "### {label}\n\n| rule | severity | resource | finding |\n|---|---|---|---|"
            );
            for f in list {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    md(&f.rule_id),
                    md(&f.severity),
                    md(&f.resource),
                    md(&f.message)
                );
            }
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(results: Json) -> Json {
        json!({"format_version": 1, "results": results})
    }

    fn fail(rule: &str, fp: &str) -> Json {
        json!({"rule_id": rule, "severity": "high", "status": "fail", "resource": {"uid": fp, "name": fp}, "message": "m", "fingerprint": fp})
    }

    #[test]
    fn new_resolved_unchanged_and_not_assessed() {
        let old = doc(json!([
            fail("S3-1", "a"),
            fail("S3-1", "b"),
            fail("IAM-1", "c")
        ]));
        let new = doc(json!([
            fail("S3-1", "a"),
            fail("S3-1", "d"),
            {"rule_id": "IAM-1", "status": "error", "resource": {"uid": "aws/1/global/iam/X"}, "fingerprint": "e"}
        ]));
        let d = diff(&old, &new, ("old", "new")).unwrap();
        let fps = |l: &[Failure]| l.iter().map(|f| f.fingerprint.clone()).collect::<Vec<_>>();
        assert_eq!(fps(&d.new), ["d"]);
        assert_eq!(fps(&d.unchanged), ["a"]);
        assert_eq!(fps(&d.resolved), ["b"]);
        assert_eq!(fps(&d.not_assessed), ["c"]);
        assert_eq!(d.new_run_errors, 1);
    }

    #[test]
    fn other_documents_are_refused() {
        assert!(diff(&json!({"schema_version": 1}), &doc(json!([])), ("a", "b")).is_err());
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(md("a|b\nc<script>"), "a\\|b c\\<script\\>");
    }
}
