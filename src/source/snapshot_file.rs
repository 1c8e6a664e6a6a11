//! Snapshot files rampart wrote (`collect`, `scan --snapshot`, the nightly evidence).

use super::{Input, Loaded, Source, SourceError};
use crate::model::{Diagnostic, DiagnosticLevel, Snapshot};

pub(super) struct SnapshotFiles {
    /// The snapshot is the one input: the scan judges exactly that file, recorded by its digest.
    pub alone: bool,
}

impl Source for SnapshotFiles {
    fn detect(&self, input: &Input) -> bool {
        matches!(input, Input::File { text, .. } if is_snapshot(text) || snapshot_document(text))
    }

    fn load(&self, input: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        let Input::File { rel, text, .. } = input else {
            return Ok(());
        };
        let s = match Snapshot::from_json(text) {
            Ok(s) => s,
            Err(e) => {
                into.snapshot.diagnostics.push(Diagnostic::at_line(
                    DiagnosticLevel::Error,
                    rel,
                    1,
                    e.to_string(),
                ));
                return Ok(());
            }
        };
        // A snapshot stands for what it was collected from, so that evaluating the file alone
        // evaluates exactly the snapshot it holds (same digest).
        into.stands_for_sources = true;
        into.snapshot.sources.extend(s.sources);
        if self.alone {
            into.snapshot.file_digest = Some(crate::model::sha256_hex(text.as_bytes()));
        }
        let mut resources = s.resources;
        crate::model::locate_entries(&mut resources, text, rel);
        into.snapshot.resources.extend(resources);
        into.snapshot.coverage.extend(s.coverage);
        into.snapshot.diagnostics.extend(s.diagnostics);
        Ok(())
    }
}

/// A snapshot whose keys are not in rampart's order (rewritten by another tool): told apart
/// from a plan by its top level, read in full.
fn snapshot_document(text: &str) -> bool {
    // A plan says so (and may be large): only what is not one is read in full here.
    if text.contains("\"planned_values\"") || text.contains("\"resource_changes\"") {
        return false;
    }
    crate::input::parse_json_bounded(text).is_ok_and(|v| {
        v.get("schema_version").is_some() && v.get("tool").is_some() && v.get("resources").is_some()
    })
}

pub(super) fn is_snapshot(text: &str) -> bool {
    let head: String = text.chars().take(512).collect();
    head.contains("\"schema_version\"") && head.contains("\"tool\"")
}
