//! The scan pipeline after the sources (`crate::source`): snapshot → analyses → rules →
//! suppressions → baseline. Knows nothing about output formats, and writes no file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::analyze::classification::{classify, ClassificationConfig};
use crate::engine::{BaselineState, Engine, EngineError, RuleResult, Selection};
use crate::model::Snapshot;
use crate::suppress::{self, Waiver, WaiverFile};

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Source(#[from] crate::source::SourceError),
    #[error("baseline {}: {why}", path.display())]
    Baseline { path: PathBuf, why: String },
}

/// The options of a scan as given — the command line merged with the configuration file — not
/// yet checked. [`UnvalidatedOptions::validate`] turns them into [`EvalOptions`], so that the
/// rules about what a valid configuration is live in the library, not in the command line.
#[derive(Debug, Default, Clone)]
pub struct UnvalidatedOptions {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Tag keys that carry the classification (default: the built-in ones).
    pub classification_tags: Vec<String>,
    /// Classification levels, most sensitive first (default: the built-in ones).
    pub classification_levels: Vec<String>,
    pub classification_default: Option<String>,
    pub namespace_classification_default: Option<String>,
    /// A waiver file named by the user; `None` looks for one by convention under `root`.
    pub waivers: Option<PathBuf>,
    /// The scan root (the repository), where a conventional waiver file must lie.
    pub root: PathBuf,
    pub baseline: Option<PathBuf>,
    pub trusted_accounts: Vec<String>,
    pub as_of: Option<time::Date>,
    pub kubernetes_secrets: Option<SecretsSource>,
}

/// A scan configuration that is not valid.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    #[error("{option} {level:?} is not one of the levels ({})", levels.join(", "))]
    UnknownLevel {
        option: &'static str,
        level: String,
        levels: Vec<String>,
    },
    #[error("--trusted-account {0}")]
    TrustedAccount(crate::model::BadValue),
    #[error(transparent)]
    Baseline(#[from] ScanError),
}

impl UnvalidatedOptions {
    /// Checks the options and reads what they name (the waiver file, the baseline).
    pub fn validate(self) -> Result<EvalOptions, OptionsError> {
        let mut classification = ClassificationConfig::default();
        if !self.classification_tags.is_empty() {
            classification.tag_keys = self.classification_tags;
        }
        let level = |l: &str| l.trim().to_ascii_lowercase();
        if !self.classification_levels.is_empty() {
            classification.levels = self
                .classification_levels
                .iter()
                .map(|l| level(l))
                .collect();
        }
        if let Some(d) = &self.classification_default {
            classification.default_level = level(d);
        }
        classification.namespace_default_level =
            self.namespace_classification_default.as_deref().map(level);
        for (option, given) in [
            (
                "--classification-default",
                Some(&classification.default_level),
            ),
            (
                "--namespace-classification-default",
                classification.namespace_default_level.as_ref(),
            ),
        ] {
            if let Some(l) = given.filter(|l| !classification.levels.contains(l)) {
                return Err(OptionsError::UnknownLevel {
                    option,
                    level: l.clone(),
                    levels: classification.levels.clone(),
                });
            }
        }
        if let Some(bad) = self
            .trusted_accounts
            .iter()
            .find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(OptionsError::TrustedAccount(crate::model::BadValue::new(
                bad,
                "a 12-digit AWS account id",
            )));
        }
        // Named by the user, a waiver file is theirs to choose; found by convention, it must be
        // inside the repository scanned.
        let waivers = match &self.waivers {
            Some(f) => suppress::load_waivers(f, &f.display().to_string()),
            None => suppress::conventional_waivers(&self.root),
        };
        Ok(EvalOptions {
            selection: Selection {
                select: self.select,
                ignore: self.ignore,
            },
            classification,
            waivers,
            baseline: self.baseline.as_deref().map(load_baseline).transpose()?,
            trusted_accounts: self.trusted_accounts,
            as_of: self.as_of,
            kubernetes_secrets: self.kubernetes_secrets.unwrap_or_default(),
        })
    }
}

/// Options of one evaluation, validated ([`UnvalidatedOptions::validate`]).
#[derive(Debug, Default, Clone)]
pub struct EvalOptions {
    pub selection: Selection,
    pub classification: ClassificationConfig,
    /// The waiver file's waivers and its problems (reported with the input's).
    pub waivers: WaiverFile,
    /// Fingerprints of a previous run: results found there are marked unchanged.
    pub baseline: Option<HashSet<String>>,
    /// Account ids that belong to the organization: trust in them is not cross-account.
    pub trusted_accounts: Vec<String>,
    /// The date the evaluation is as of (waiver expiry, credential ages); today (UTC) when unset.
    /// Re-judging an evidence snapshot as of the night it was taken gives that night's results.
    pub as_of: Option<time::Date>,
    /// Where the platform's policy says workloads take their credentials from (K8S-17).
    pub kubernetes_secrets: SecretsSource,
}

/// Where workloads may take credentials from. Kubernetes Secrets are accepted unless the
/// platform keeps its credentials in an external store mounted through the Secrets Store CSI
/// driver; then reading a Kubernetes Secret is a finding (K8S-17).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretsSource {
    #[default]
    Kubernetes,
    Csi,
}

impl std::str::FromStr for SecretsSource {
    type Err = crate::model::BadValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kubernetes" => Ok(Self::Kubernetes),
            "csi" => Ok(Self::Csi),
            other => Err(crate::model::BadValue::new(other, "kubernetes or csi")),
        }
    }
}

/// The outcome of a scan, everything the writers need.
pub struct ScanOutcome {
    pub snapshot: Snapshot,
    pub results: Vec<RuleResult>,
    pub policy_digest: String,
    /// SHA-256 of the evaluated snapshot (with derived facts) as written (`Snapshot::to_json`).
    pub snapshot_digest: String,
    /// SHA-256 of the snapshot file the scan judged (one snapshot file read, or a live
    /// collection as `collect aws` writes it); `None` for other inputs (no file to match).
    pub input_digest: Option<String>,
    /// The waivers in force or expired, for the waiver register.
    pub waivers: Vec<Waiver>,
    /// When the evaluation ran (UTC).
    pub scanned_at: time::OffsetDateTime,
    /// The date the results are as of (`EvalOptions::as_of`, or the day it ran).
    pub as_of: time::Date,
}

impl ScanOutcome {
    pub fn is_incomplete(&self) -> bool {
        self.snapshot.is_incomplete()
            || self
                .results
                .iter()
                .any(|r| r.status == crate::engine::Status::Error)
    }
}

/// Classifies, evaluates and applies suppressions and the baseline.
pub fn evaluate(
    engine: &Engine,
    mut snapshot: Snapshot,
    opts: &EvalOptions,
) -> Result<ScanOutcome, ScanError> {
    let scanned_at = time::OffsetDateTime::now_utc();
    let input_digest = snapshot.file_digest.clone();
    let today = opts.as_of.unwrap_or_else(suppress::today);
    classify(&mut snapshot.resources, &opts.classification);
    crate::analyze::ages::derive(&mut snapshot.resources, today);
    crate::analyze::iam::analysis::analyze(&mut snapshot.resources, today);
    crate::analyze::kubernetes::analyze(&mut snapshot.resources);
    let config = serde_json::json!({
        "classification": opts.classification,
        "today": today.to_string(),
        "trusted_accounts": opts.trusted_accounts,
        "kubernetes_secrets": opts.kubernetes_secrets,
    });
    let mut results = engine.evaluate(&snapshot, &opts.selection, &config)?;
    let known = |id: &str| engine.rule(id).is_some();
    let mut waivers = opts.waivers.clone();
    waivers.check_rules(&known);
    let diags = suppress::apply(
        &mut results,
        &snapshot.resources,
        &waivers.waivers,
        today,
        &known,
    );
    snapshot.diagnostics.extend(diags);
    snapshot.diagnostics.extend(waivers.diagnostics);
    snapshot.normalize();
    if let Some(base) = &opts.baseline {
        for r in &mut results {
            r.baseline = Some(if base.contains(&r.fingerprint) {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
        }
    }
    Ok(ScanOutcome {
        as_of: today,
        snapshot_digest: crate::model::sha256_hex(snapshot.to_json().as_bytes()),
        input_digest,
        snapshot,
        results,
        policy_digest: engine.bundle_digest(),
        waivers: waivers.waivers,
        scanned_at,
    })
}

/// Fingerprints of the failures (and waived failures) in a findings JSON file written earlier.
pub fn load_baseline(path: &Path) -> Result<HashSet<String>, ScanError> {
    let fail = |why: String| ScanError::Baseline {
        path: path.to_path_buf(),
        why,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot be read: {e}")))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("is not findings JSON: {e}")))?;
    let results = doc
        .get("results")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| fail("has no results array".into()))?;
    Ok(results
        .iter()
        .filter(|r| {
            matches!(
                r.get("status").and_then(serde_json::Value::as_str),
                Some("fail" | "waived")
            )
        })
        .filter_map(|r| {
            r.get("fingerprint")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        })
        .collect())
}
