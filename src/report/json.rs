//! JSON findings, described by `reports/schema/findings.schema.json`. Pretty-printed, except that
//! each result is one compact line: a nightly scan holds thousands of results, and one per line
//! keeps the file a third smaller than fully indented JSON and lets `grep` find a result whole.

use serde::Serialize;
use serde_json::value::RawValue;
use std::io;

use super::{Report, Summary, Writer};
use crate::engine::RuleMeta;
use crate::model::{CoverageEntry, Diagnostic, ToolInfo};

/// Version of the findings format; bump on incompatible changes.
pub const FINDINGS_FORMAT_VERSION: u32 = 1;

pub struct JsonWriter;

#[derive(Serialize)]
struct Findings<'a> {
    format_version: u32,
    tool: ToolInfo,
    sources: &'a [String],
    policy_digest: &'a str,
    snapshot_digest: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    input_snapshot_digest: Option<&'a str>,
    incomplete: bool,
    summary: Summary,
    rules: &'a [&'a RuleMeta],
    results: Vec<Box<RawValue>>,
    coverage: &'a [CoverageEntry],
    diagnostics: &'a [Diagnostic],
}

impl Writer for JsonWriter {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let o = report.outcome;
        let f = Findings {
            format_version: FINDINGS_FORMAT_VERSION,
            tool: ToolInfo::default(),
            sources: &o.snapshot.sources,
            policy_digest: &o.policy_digest,
            snapshot_digest: &o.snapshot_digest,
            input_snapshot_digest: o.input_digest.as_deref(),
            incomplete: o.is_incomplete(),
            summary: report.summary(),
            rules: &report.rules,
            results: o
                .results
                .iter()
                .map(serde_json::value::to_raw_value)
                .collect::<Result<_, _>>()?,
            coverage: &o.snapshot.coverage,
            diagnostics: &o.snapshot.diagnostics,
        };
        serde_json::to_writer_pretty(&mut *out, &f)?;
        out.write_all(b"\n")
    }
}
