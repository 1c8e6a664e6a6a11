//! What every call did, shared by all units: calls per operation and resource type, failures,
//! throttling, and the coverage entries they become.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::ops::{self, Op};
use crate::model::{CoverageEntry, CoverageStatus};

/// The outcome of one kind of call in one account and region.
#[derive(Debug, Default)]
pub(crate) struct OpRecord {
    pub(crate) types: Vec<String>,
    pub(crate) calls: usize,
    /// `subject: reason` of each failed call.
    pub(crate) failures: Vec<String>,
    /// Failures that are recorded on the one resource they concern (its values are marked
    /// unread), so they need no error for every resource of the types.
    pub(crate) attributed: usize,
}

/// Collects coverage from every call; shared by all units.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub(crate) ops: Mutex<BTreeMap<String, OpRecord>>,
    /// Operations throttled on some attempt.
    pub(crate) throttled: Mutex<std::collections::HashSet<String>>,
    /// Per operation, why its last attempt that got no answer got none.
    pub(crate) transport: Mutex<std::collections::HashMap<String, String>>,
}

impl Recorder {
    pub(crate) fn saw_throttling(&self, operation: &str) {
        self.throttled
            .lock()
            .expect("not poisoned")
            .insert(operation.to_string());
    }

    pub(crate) fn saw_transport_error(&self, operation: &str, why: &str) {
        self.transport
            .lock()
            .expect("not poisoned")
            .insert(operation.to_string(), why.to_string());
    }

    pub(crate) fn transport_error(&self, operation: &str) -> Option<String> {
        self.transport
            .lock()
            .expect("not poisoned")
            .get(operation)
            .cloned()
    }

    pub(crate) fn was_throttled(&self, operation: &str) -> bool {
        self.throttled
            .lock()
            .expect("not poisoned")
            .contains(operation)
    }

    pub(crate) fn record(&self, scope: String, op: &Op, failure: Option<String>) {
        let mut ops = self.ops.lock().expect("not poisoned");
        let rec = ops.entry(scope).or_insert_with(|| OpRecord {
            types: op.types.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        });
        rec.calls += 1;
        if let Some(f) = failure {
            rec.failures.push(f);
        }
    }

    /// A failure the collector recorded on the resource it concerns.
    pub(crate) fn attribute(&self, scope: &str) {
        if let Some(rec) = self.ops.lock().expect("not poisoned").get_mut(scope) {
            rec.attributed += 1;
        }
    }

    /// The failures recorded for one scope, joined.
    pub(crate) fn failures(&self, scope: &str) -> String {
        let ops = self.ops.lock().expect("not poisoned");
        ops.get(scope)
            .map(|r| r.failures.join("; "))
            .unwrap_or_default()
    }

    /// An account that could not be entered: everything in it is unread.
    pub(crate) fn unreadable_account(&self, scope: &str) {
        let mut types: Vec<String> = ops::ALL
            .iter()
            .flat_map(|(_, op)| op.types.iter().map(|t| t.to_string()))
            .collect();
        types.sort();
        types.dedup();
        if let Some(rec) = self.ops.lock().expect("not poisoned").get_mut(scope) {
            rec.types = types;
        }
    }

    /// Calls made per resource type they read (`-v` prints them): where the requests go. A call
    /// that reads several types counts for each.
    pub(crate) fn calls_by_type(&self) -> BTreeMap<String, usize> {
        let mut by: BTreeMap<String, usize> = BTreeMap::new();
        for rec in self.ops.lock().expect("not poisoned").values() {
            for t in &rec.types {
                *by.entry(t.clone()).or_default() += rec.calls;
            }
        }
        by
    }

    pub(crate) fn entries(&self) -> Vec<CoverageEntry> {
        let ops = self.ops.lock().expect("not poisoned");
        ops.iter()
            .map(|(scope, rec)| {
                if rec.failures.is_empty() {
                    CoverageEntry {
                        status: CoverageStatus::Ok,
                        scope: scope.clone(),
                        detail: format!("{} call(s)", rec.calls),
                        resource_types: Vec::new(),
                        span: None,
                    }
                } else {
                    let mut failures = rec.failures.clone();
                    failures.sort();
                    let shown: Vec<&str> = failures.iter().take(5).map(String::as_str).collect();
                    let more = failures.len().saturating_sub(shown.len());
                    CoverageEntry {
                        status: CoverageStatus::Error,
                        scope: scope.clone(),
                        detail: format!(
                            "{} of {} call(s) failed: {}{}",
                            failures.len(),
                            rec.calls,
                            shown.join("; "),
                            if more > 0 {
                                format!("; and {more} more")
                            } else {
                                String::new()
                            }
                        ),
                        // Failures each recorded on their resource make the rules that read
                        // those values report `error` there; the others leave every resource
                        // of the types unassessed.
                        resource_types: if rec.attributed >= rec.failures.len() {
                            Vec::new()
                        } else {
                            rec.types.clone()
                        },
                        span: None,
                    }
                }
            })
            .collect()
    }
}
