//! Reading manifests: YAML streams (`---`-separated documents), `List` kinds and JSON, each
//! object keeping the file and line it starts on. A document that does not parse is reported
//! with its file and line; the others are still read.

use serde_json::Value as Json;
use std::collections::BTreeMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::model::{Diagnostic, DiagnosticLevel, Span};

/// One Kubernetes object from a manifest.
#[derive(Debug, Clone)]
pub struct ManifestObject {
    pub value: Json,
    pub span: Span,
    /// The line each field is written on, by dotted path (`spec.template.spec.containers.0`).
    pub fields: BTreeMap<String, u32>,
}

/// The line of every list element and of every key whose value is a mapping or a list, in a YAML
/// document, by dotted path (list elements by number), counted from `first_line`. serde's YAML reader gives values without places; this
/// second, event-level read gives the places.
fn field_lines(doc: &str, first_line: u32) -> BTreeMap<String, u32> {
    /// Where the reader is: in a mapping (with the key whose value comes next) or a list.
    enum Frame {
        Map { path: String, key: Option<String> },
        List { path: String, next: usize },
    }
    struct Lines {
        stack: Vec<Frame>,
        found: BTreeMap<String, u32>,
        first_line: u32,
        /// Where the last key was written.
        key_line: Option<Marker>,
    }
    fn join(path: &str, k: &str) -> String {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    }
    impl Lines {
        fn at(&mut self, path: String, mark: Marker) {
            let line = self.first_line + mark.line().saturating_sub(1) as u32;
            self.found.entry(path).or_insert(line);
        }
        /// The path of the value that comes next, and whether it is a list element (placed
        /// where it starts; a mapping's value is placed at its key).
        fn next_value(&self) -> (String, bool) {
            match self.stack.last() {
                Some(Frame::Map { path, key }) => (join(path, key.as_deref().unwrap_or("")), false),
                Some(Frame::List { path, next }) => (join(path, &next.to_string()), true),
                None => (String::new(), false),
            }
        }
        /// A value is done: the mapping waits for its next key, the list for its next element.
        fn done(&mut self) {
            match self.stack.last_mut() {
                Some(Frame::Map { key, .. }) => *key = None,
                Some(Frame::List { next, .. }) => *next += 1,
                None => {}
            }
        }
    }
    impl MarkedEventReceiver for Lines {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            match ev {
                Event::Scalar(text, ..) => match self.stack.last_mut() {
                    Some(Frame::Map {
                        key: key @ None, ..
                    }) => {
                        // The key's line is recorded when its value is a mapping or a list: a
                        // scalar value is placed at its parent (every leaf would make the
                        // snapshot several times larger for a line or two of precision).
                        *key = Some(text);
                        self.key_line = Some(mark);
                    }
                    _ => {
                        let (p, element) = self.next_value();
                        if element {
                            self.at(p, mark);
                        }
                        self.done();
                    }
                },
                Event::Alias(_) => self.done(),
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let (path, element) = self.next_value();
                    let at = if element { Some(mark) } else { self.key_line };
                    if let (false, Some(at)) = (path.is_empty(), at) {
                        self.at(path.clone(), at);
                    }
                    self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                        Frame::Map { path, key: None }
                    } else {
                        Frame::List { path, next: 0 }
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    self.stack.pop();
                    self.done();
                }
                _ => {}
            }
        }
    }
    let mut lines = Lines {
        stack: Vec::new(),
        found: BTreeMap::new(),
        first_line,
        key_line: None,
    };
    // A document serde read is one this reader reads too; if not, fields keep the object's line.
    let _ = Parser::new_from_str(doc).load(&mut lines, false);
    lines.found
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
        match crate::input::parse_json_bounded(text) {
            Ok(v) => push(v, span(1), text, 1, &BTreeMap::new(), &mut objects),
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
                let fields = field_lines(&doc, start);
                push(v, span(line), &doc, start, &fields, &mut objects);
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
fn push(
    v: Json,
    span: Span,
    doc: &str,
    doc_start: u32,
    fields: &BTreeMap<String, u32>,
    out: &mut Vec<ManifestObject>,
) {
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
            for (i, item) in items.iter().enumerate() {
                let line = kind_lines.next().unwrap_or(span.start_line);
                let prefix = format!("items.{i}.");
                let own: BTreeMap<String, u32> = fields
                    .iter()
                    .filter_map(|(p, l)| Some((p.strip_prefix(&prefix)?.to_string(), *l)))
                    .collect();
                push(
                    item.clone(),
                    Span {
                        start_line: line,
                        end_line: line,
                        ..span.clone()
                    },
                    "",
                    line,
                    &own,
                    out,
                );
            }
        }
        return;
    }
    out.push(ManifestObject {
        value: v,
        span,
        fields: fields.clone(),
    });
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
