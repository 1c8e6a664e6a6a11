//! Reading manifests: YAML streams (`---`-separated documents), `List` kinds and JSON, each
//! object keeping the file and line it starts on. A document that does not parse is reported
//! with its file and line; the others are still read.

use serde_json::Value as Json;

use crate::model::{Diagnostic, DiagnosticLevel, Span};

/// One Kubernetes object from a manifest.
#[derive(Debug, Clone)]
pub struct ManifestObject {
    pub value: Json,
    pub span: Span,
}

/// Whether a value looks like a Kubernetes object (or a List of them).
pub fn is_object(v: &Json) -> bool {
    v.get("apiVersion").is_some_and(Json::is_string) && v.get("kind").is_some_and(Json::is_string)
}

/// Splits a YAML stream into documents with the (1-based) line each starts on.
fn documents(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 1u32;
    for (i, line) in text.lines().enumerate() {
        let separator = line.starts_with("---")
            && line[3..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '#' || c == '\t');
        if separator || line == "..." {
            if !current.trim().is_empty() {
                out.push((start, std::mem::take(&mut current)));
            }
            current.clear();
            start = i as u32 + 2;
            if separator && line.len() > 3 && !line[3..].trim_start().starts_with('#') {
                // `--- content` starts the document on the same line.
                current.push_str(&line[3..]);
                current.push('\n');
                start = i as u32 + 1;
            }
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    if !current.trim().is_empty() {
        out.push((start, current));
    }
    out
}

/// The line of the first non-blank, non-comment line of a document.
fn first_content_line(start: u32, doc: &str) -> u32 {
    doc.lines()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map_or(start, |i| start + i as u32)
}

/// Parses a manifest file's text. `rel` names it in spans and diagnostics.
pub fn parse(text: &str, rel: &str) -> (Vec<ManifestObject>, Vec<Diagnostic>) {
    let mut objects = Vec::new();
    let mut diags = Vec::new();
    let span = |line: u32| Span {
        file: rel.to_string(),
        start_line: line,
        end_line: line,
    };
    if rel.ends_with(".json") {
        match crate::terraform::plan::parse_json_bounded(text) {
            Ok(v) => push(v, span(1), text, 1, &mut objects),
            Err((message, line, column)) => diags.push(Diagnostic {
                level: DiagnosticLevel::Error,
                message,
                span: Some(span(line)),
                column: Some(column),
            }),
        }
        return (objects, diags);
    }
    for (start, doc) in documents(text) {
        match serde_yaml_ng::from_str::<Json>(&doc) {
            Ok(Json::Null) => {}
            Ok(v) => {
                let line = first_content_line(start, &doc);
                push(v, span(line), &doc, start, &mut objects);
            }
            Err(e) => {
                let (line, column) = e.location().map_or((start, None), |l| {
                    (start + l.line() as u32 - 1, Some(l.column() as u32))
                });
                diags.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    message: format!("invalid YAML: {e}"),
                    span: Some(span(line)),
                    column,
                });
            }
        }
    }
    (objects, diags)
}

/// Adds an object, or the items of a `List`, each item at the line where its `kind:` appears.
fn push(v: Json, span: Span, doc: &str, doc_start: u32, out: &mut Vec<ManifestObject>) {
    if !is_object(&v) {
        return;
    }
    let kind = v["kind"].as_str().unwrap_or_default();
    if kind.ends_with("List") {
        if let Some(items) = v.get("items").and_then(Json::as_array) {
            // Item lines: successive `kind:` keys after the List's own.
            let mut kind_lines = doc
                .lines()
                .enumerate()
                .filter(|(_, l)| {
                    l.trim_start().trim_start_matches("- ").starts_with("kind:")
                        || l.contains("\"kind\"")
                })
                .map(|(i, _)| doc_start + i as u32)
                .skip(1);
            for item in items {
                let line = kind_lines.next().unwrap_or(span.start_line);
                push(
                    item.clone(),
                    Span {
                        start_line: line,
                        end_line: line,
                        ..span.clone()
                    },
                    "",
                    line,
                    out,
                );
            }
        }
        return;
    }
    out.push(ManifestObject { value: v, span });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_yaml_keeps_lines_and_reports_bad_documents() {
        let text = "# leading comment\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: d}\n";
        let (objs, diags) = parse(text, "m.yaml");
        let lines: Vec<(String, u32)> = objs
            .iter()
            .map(|o| {
                (
                    o.value["metadata"]["name"].as_str().unwrap().to_string(),
                    o.span.start_line,
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                ("a".into(), 2),
                ("b".into(), 8),
                ("c".into(), 19),
                ("d".into(), 22)
            ]
        );
        assert_eq!(diags.len(), 1);
        // Reported within the broken document (where the parser notices the unclosed flow).
        assert!(
            (13..=14).contains(&diags[0].span.as_ref().unwrap().start_line),
            "{diags:?}"
        );
    }
}
