//! CSV of every result, for auditors' spreadsheets. Cells that a spreadsheet would run as a
//! formula (starting with `=`, `+`, `-`, `@`, tab or CR) are prefixed with `'`.

use std::io;

use super::{Report, Writer};

pub struct CsvWriter;

/// A cell a spreadsheet would run as a formula gets a leading `'`; quoting is the csv crate's.
fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
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
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out);
        csv.write_record(HEADER.iter().chain(&["fingerprint"]))?;
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
            csv.write_record(row.iter().map(|c| cell(c).into_owned()))?;
        }
        csv.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    /// One cell as the writer puts it in a file.
    fn written(s: &str) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([cell(s).as_ref()]).unwrap();
        String::from_utf8(w.into_inner().unwrap())
            .unwrap()
            .trim_end()
            .to_string()
    }

    #[test]
    fn formulas_and_quotes_are_neutralised() {
        assert_eq!(written("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(written("a,b"), "\"a,b\"");
        assert_eq!(written("plain"), "plain");
    }
}
