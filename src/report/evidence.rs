//! The evidence pack: the HTML report, findings JSON, SARIF, CSV, JUnit, metrics and the snapshot,
//! with a manifest holding the SHA-256 of each file. `rampart verify` recomputes every digest and
//! checks that the findings name the snapshot and policy bundle that produced them, so any byte
//! changed after the fact is detected.

use serde::{Deserialize, Serialize};
use std::path::Path;

use super::{
    csv::CsvWriter, html::HtmlWriter, json::JsonWriter, junit::JunitWriter,
    markdown::MarkdownWriter,
};
use super::{prometheus::PrometheusWriter, sarif::SarifWriter, Report, Writer};
use crate::model::{sha256_hex, ToolInfo};

pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Manifest {
    pub format_version: u32,
    /// When the scan ran (RFC 3339, UTC).
    pub created: String,
    pub tool: ToolInfo,
    pub policy_digest: String,
    pub snapshot_digest: String,
    pub files: Vec<ManifestFile>,
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> EvidenceError {
    EvidenceError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Writes the pack into `dir` (created if needed); returns the manifest's own SHA-256, which the
/// caller prints so it can be recorded outside the pack.
pub fn write_pack(dir: &Path, report: &Report) -> Result<String, EvidenceError> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let writers: [(&str, &dyn Writer); 7] = [
        ("report.html", &HtmlWriter),
        ("findings.json", &JsonWriter),
        ("results.sarif", &SarifWriter),
        ("results.csv", &CsvWriter),
        ("junit.xml", &JunitWriter),
        ("metrics.prom", &PrometheusWriter),
        ("summary.md", &MarkdownWriter),
    ];
    let mut files = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> Result<(), EvidenceError> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?;
        files.push(ManifestFile {
            path: name.to_string(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        });
        Ok(())
    };
    put(
        "snapshot.json",
        report.outcome.snapshot.to_json().as_bytes(),
    )?;
    for (name, w) in writers {
        let mut buf = Vec::new();
        w.write(report, &mut buf)
            .map_err(|e| io_err(&dir.join(name), e))?;
        put(name, &buf)?;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        format_version: 1,
        created: crate::model::timestamp(report.outcome.scanned_at),
        tool: ToolInfo::default(),
        policy_digest: report.outcome.policy_digest.clone(),
        snapshot_digest: report.outcome.snapshot_digest.clone(),
        files,
    };
    let mut text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| EvidenceError::Invalid(e.to_string()))?;
    text.push('\n');
    let path = dir.join(MANIFEST);
    std::fs::write(&path, &text).map_err(|e| io_err(&path, e))?;
    Ok(sha256_hex(text.as_bytes()))
}

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Verification {
    pub checked: usize,
    pub problems: Vec<String>,
    pub manifest_sha256: String,
}

/// Checks every file against the manifest, that nothing was added, and that the findings and
/// the manifest agree on the snapshot and policy digests.
pub fn verify(dir: &Path, expected_manifest: Option<&str>) -> Result<Verification, EvidenceError> {
    let mpath = dir.join(MANIFEST);
    let text = std::fs::read(&mpath).map_err(|e| io_err(&mpath, e))?;
    let mut v = Verification {
        manifest_sha256: sha256_hex(&text),
        ..Default::default()
    };
    if let Some(want) = expected_manifest {
        if !want.eq_ignore_ascii_case(&v.manifest_sha256) {
            v.problems.push(format!(
                "{MANIFEST} has SHA-256 {}, expected {want}",
                v.manifest_sha256
            ));
        }
    }
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| EvidenceError::Invalid(format!("{MANIFEST}: {e}")))?;
    for f in &manifest.files {
        if f.path.contains('/') || f.path.contains('\\') || f.path == MANIFEST {
            v.problems
                .push(format!("{MANIFEST} lists an invalid path {:?}", f.path));
            continue;
        }
        match std::fs::read(dir.join(&f.path)) {
            Ok(bytes) => {
                v.checked += 1;
                let got = sha256_hex(&bytes);
                if got != f.sha256 || bytes.len() as u64 != f.bytes {
                    v.problems.push(format!(
                        "{} changed: SHA-256 {got}, manifest says {}",
                        f.path, f.sha256
                    ));
                }
            }
            Err(e) => v.problems.push(format!("{} is missing: {e}", f.path)),
        }
    }
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let name = entry
            .map_err(|e| io_err(dir, e))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name != MANIFEST && !listed.contains(&name.as_str()) {
            v.problems.push(format!("{name} is not in the manifest"));
        }
    }
    let snapshot = manifest.files.iter().find(|f| f.path == "snapshot.json");
    if snapshot.map(|f| f.sha256.as_str()) != Some(manifest.snapshot_digest.as_str()) {
        v.problems
            .push("the manifest's snapshot digest does not match snapshot.json".into());
    }
    if let Ok(findings) = std::fs::read(dir.join("findings.json")) {
        let doc: serde_json::Value = serde_json::from_slice(&findings).unwrap_or_default();
        if doc["snapshot_digest"] != manifest.snapshot_digest.as_str()
            || doc["policy_digest"] != manifest.policy_digest.as_str()
        {
            v.problems.push(
                "findings.json names a different snapshot or policy bundle than the manifest"
                    .into(),
            );
        }
    }
    Ok(v)
}
