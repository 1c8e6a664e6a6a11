//! Results: one per rule and resource it applies to. Auditors need the passes and the
//! denominators; failing closed needs the errors.

use serde::{Deserialize, Serialize};

use super::metadata::Severity;
use crate::model::{AttributeMeta, Span};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// The data the rule needed was missing, unknown or could not be collected.
    Error,
    /// A failure suppressed by an inline comment or a waiver.
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }
}

/// One attribute value behind a verdict, and where it came from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Evidence {
    pub path: String,
    pub value: serde_json::Value,
    /// How the value got there and where: the attribute's own meta, with the closest span.
    #[serde(flatten)]
    pub meta: AttributeMeta,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ResourceRef {
    pub uid: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

/// Why a failure does not count.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// `inline` (a `rampart:ignore` comment) or `waiver` (the waiver file).
    pub kind: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Span>,
}

/// Whether a result was already present in the baseline.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Unchanged,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RuleResult {
    pub rule_id: String,
    pub severity: Severity,
    pub status: Status,
    pub resource: ResourceRef,
    pub message: String,
    /// The attribute the verdict is about (dotted path), when the rule names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// Where to point: the attribute's line, or the resource block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Span>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// What the rule found, as data, when a message cannot hold it all: e.g. IAM-10's one
    /// result per store lists every principal reaching it here. Written to findings.json only
    /// (the terminal, SARIF and HTML show the message, which stays short).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    /// Stable across line shifts: rule, resource identity and attribute.
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

impl RuleResult {
    /// A failure that counts (not waived, not already in the baseline).
    pub fn is_new_failure(&self) -> bool {
        self.status == Status::Fail && self.baseline != Some(BaselineState::Unchanged)
    }
}

/// The fingerprint of a verdict: independent of line numbers and message wording.
pub fn fingerprint(rule_id: &str, uid: &str, attribute: Option<&str>) -> String {
    let key = format!("{rule_id}\u{0}{uid}\u{0}{}", attribute.unwrap_or(""));
    crate::model::sha256_hex(key.as_bytes())[..32].to_string()
}
