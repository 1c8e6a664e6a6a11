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

/// A document of a manifest file that could not be read.
#[derive(Debug, Clone)]
pub struct Unread {
    pub problem: Diagnostic,
    /// The document holds Go template syntax (`{{ … }}`): an unrendered Helm template rather
    /// than broken YAML.
    pub template: bool,
}

/// Flow collections (`[`, `{`) nested deeper than this are refused before the YAML parser sees
/// them: it takes quadratic time on them, and no manifest nests that deep.
const MAX_FLOW_DEPTH: usize = 128;

/// How deep flow collections nest in YAML text (outside quotes and comments), in one pass.
fn flow_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for line in text.lines() {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') if prev.is_whitespace() => break,
                (None, '[' | '{') => {
                    depth += 1;
                    max = max.max(depth);
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            prev = c;
        }
    }
    max
}

/// Parses a manifest file's text. `rel` names it in spans and diagnostics.
pub fn parse(text: &str, rel: &str) -> (Vec<ManifestObject>, Vec<Unread>) {
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
            Err((message, line, column)) => diags.push(Unread {
                problem: Diagnostic {
                    level: DiagnosticLevel::Error,
                    message: crate::model::excerpt(&message),
                    span: Some(span(line)),
                    column: Some(column),
                },
                template: false,
            }),
        }
        return (objects, diags);
    }
    for (start, doc) in documents(text) {
        let template = doc.contains("{{");
        if flow_depth(&doc) > MAX_FLOW_DEPTH {
            diags.push(Unread {
                problem: Diagnostic {
                    level: DiagnosticLevel::Error,
                    message: format!(
                        "YAML flow collections nest deeper than {MAX_FLOW_DEPTH} levels; not read"
                    ),
                    span: Some(span(start)),
                    column: None,
                },
                template,
            });
            continue;
        }
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
                diags.push(Unread {
                    problem: Diagnostic {
                        level: DiagnosticLevel::Error,
                        message: format!("invalid YAML: {}", crate::model::excerpt(&e.to_string())),
                        span: Some(span(line)),
                        column,
                    },
                    template,
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
            (13..=14).contains(&diags[0].problem.span.as_ref().unwrap().start_line),
            "{diags:?}"
        );
        assert!(!diags[0].template);
    }

    #[test]
    fn templates_are_told_apart_per_document_and_deep_flows_refused() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n  rule: \"{{ $labels.pod }} is down\"\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n";
        let (objs, unread) = parse(text, "m.yaml");
        assert_eq!(
            objs.len(),
            1,
            "a template string inside a valid document is data"
        );
        assert_eq!(unread.len(), 1);
        assert!(unread[0].template);
        let deep = format!("a: {}", "[".repeat(100_000));
        let (objs, unread) = parse(&deep, "d.yaml");
        assert!(objs.is_empty() && unread.len() == 1);
        assert!(unread[0].problem.message.contains("nest deeper"));
    }
}
