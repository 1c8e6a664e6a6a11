//! CSV of every result, for auditors' spreadsheets. Cells that a spreadsheet would run as a
//! formula (starting with `=`, `+`, `-`, `@`, tab or CR) are prefixed with `'`.

use std::io;

use super::{Report, Writer};

pub struct CsvWriter;

pub fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

const HEADER: [&str; 14] = [
    "rule_id",
    "severity",
    "status",
    "resource_uid",
    "resource_type",
    "resource_name",
    "file",
    "line",
    "attribute",
    "message",
    "suppression_kind",
    "suppression_reason",
    "suppression_owner",
    "suppression_expires",
];

impl Writer for CsvWriter {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        writeln!(out, "{},fingerprint", HEADER.join(","))?;
        for r in report.results() {
            let s = r.suppression.as_ref();
            let row = [
                r.rule_id.clone(),
                r.severity.to_string(),
                r.status.as_str().to_string(),
                r.resource.uid.clone(),
                r.resource.resource_type.clone(),
                r.resource.name.clone(),
                r.location
                    .as_ref()
                    .map(|l| l.file.clone())
                    .unwrap_or_default(),
                r.location
                    .as_ref()
                    .map(|l| l.start_line.to_string())
                    .unwrap_or_default(),
                r.attribute.clone().unwrap_or_default(),
                r.message.clone(),
                s.map(|s| s.kind.clone()).unwrap_or_default(),
                s.map(|s| s.reason.clone()).unwrap_or_default(),
                s.and_then(|s| s.owner.clone()).unwrap_or_default(),
                s.and_then(|s| s.expires.clone()).unwrap_or_default(),
                r.fingerprint.clone(),
            ];
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            writeln!(out, "{}", cells.join(","))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_and_quotes_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("plain"), "plain");
    }
}
