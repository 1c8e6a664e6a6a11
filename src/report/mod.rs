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
