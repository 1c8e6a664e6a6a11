//! `*.tf.json` files, turned into the same HCL syntax tree the evaluator reads.
//!
//! Every form the HCL JSON specification allows is read: a block type, a label level or a block
//! body given as an object or as an array of objects (`"resource": [ … ]`), and a key repeated
//! in one object (two blocks, never one of them dropped). The file is parsed with `jsonc-parser`
//! in strict JSON mode, which keeps repeated keys and the byte range of every node, so each
//! block gets its own line.
//!
//! In Terraform's JSON syntax, strings are templates (`"${var.x}"`), so each string is parsed as
//! an HCL template. Without the provider schema, a nested block and an object attribute look the
//! same in JSON; both become object attributes, and the adapters accept either shape.

use hcl_edit::expr::{Array, Expression, Object, ObjectKey, ObjectValue};
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::Ident;
use jsonc_parser::ast::{ObjectProp, Value as Json};
use jsonc_parser::common::Ranged;
use std::ops::Range;

use crate::model::{Diagnostic, DiagnosticLevel, Span};

/// A file's blocks with the byte range each was written at.
pub struct JsonBody {
    pub body: Body,
    pub ranges: Vec<Range<usize>>,
}

/// Block types whose labels come as nested objects, and how many labels they have.
fn labels_of(kind: &str) -> Option<usize> {
    Some(match kind {
        "resource" | "data" => 2,
        "variable" | "output" | "module" | "provider" => 1,
        "locals" | "terraform" => 0,
        _ => return None,
    })
}

pub fn parse(text: &str, rel: &str) -> Result<JsonBody, Diagnostic> {
    let diag = |line: usize, column: Option<usize>, message: String| Diagnostic {
        level: DiagnosticLevel::Error,
        message,
        span: Some(Span {
            file: rel.to_string(),
            start_line: line as u32,
            end_line: line as u32,
        }),
        column: column.map(|c| c as u32),
    };
    // The parser recurses into nested values: refuse nesting no configuration has first.
    if let Err((message, line, column)) = crate::input::check_json_depth(text) {
        return Err(diag(line as usize, Some(column as usize), message));
    }
    let strict = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &strict).map_err(|e| {
        diag(
            e.line_display(),
            Some(e.column_display()),
            e.kind().to_string(),
        )
    })?;
    let Some(Json::Object(top)) = parsed.value else {
        return Err(diag(
            1,
            None,
            format!("{rel}: the top level of a .tf.json file must be an object"),
        ));
    };
    let mut out = JsonBody {
        body: Body::new(),
        ranges: Vec::new(),
    };
    for prop in &top.properties {
        let kind = prop.name.as_str();
        let Some(depth) = labels_of(kind) else {
            continue;
        };
        let mut found = Vec::new();
        bodies(&prop.value, depth, &mut Vec::new(), &mut found);
        for (labels, attrs) in found {
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            out.body.push(block(kind, &labels, attrs));
            out.ranges.push(attrs_range(attrs));
        }
    }
    Ok(out)
}

/// The objects that are block bodies under `v`, after `depth` label levels, with their labels.
/// Each level may be an object, or an array of objects whose keys add up.
fn bodies<'v, 'a>(
    v: &'v Json<'a>,
    depth: usize,
    labels: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, &'v Json<'a>)>,
) {
    match v {
        Json::Array(a) => {
            for item in &a.elements {
                bodies(item, depth, labels, out);
            }
        }
        Json::Object(o) if depth > 0 => {
            for prop in &o.properties {
                labels.push(prop.name.as_str().to_string());
                bodies(&prop.value, depth - 1, labels, out);
                labels.pop();
            }
        }
        Json::Object(_) => out.push((labels.clone(), v)),
        _ => {}
    }
}

fn attrs_range(v: &Json) -> Range<usize> {
    let r = v.range();
    r.start..r.end.max(r.start + 1)
}

fn block(kind: &str, labels: &[&str], attrs: &Json) -> Block {
    let mut b = Block::builder(Ident::new_unchecked(kind));
    for l in labels {
        b = b.label(*l);
    }
    if let Json::Object(o) = attrs {
        for ObjectProp { name, value, .. } in &o.properties {
            if let Ok(id) = Ident::try_new(name.as_str()) {
                b = b.attribute(Attribute::new(id, expr(value)));
            }
        }
    }
    b.build()
}

fn expr(v: &Json) -> Expression {
    match v {
        Json::NullKeyword(_) => Expression::null(),
        Json::BooleanLit(b) => Expression::from(b.value),
        Json::NumberLit(n) => n
            .value
            .parse::<i64>()
            .map(Expression::from)
            .unwrap_or_else(|_| Expression::from(n.value.parse::<f64>().unwrap_or(0.0))),
        Json::StringLit(s) => template(&s.value),
        Json::Array(a) => {
            let mut arr = Array::new();
            for x in &a.elements {
                arr.push(expr(x));
            }
            Expression::from(arr)
        }
        Json::Object(o) => {
            let mut obj = Object::new();
            for p in &o.properties {
                obj.insert(
                    ObjectKey::Expression(Expression::from(p.name.as_str())),
                    ObjectValue::new(expr(&p.value)),
                );
            }
            Expression::from(obj)
        }
    }
}

/// A JSON string is an HCL template: re-quote it and let the HCL parser read the interpolations.
fn template(s: &str) -> Expression {
    if !s.contains("${") && !s.contains("%{") {
        return Expression::from(s);
    }
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    for c in s.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    hcl_edit::parser::parse_expr(&quoted).unwrap_or_else(|_| Expression::from(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(String, Vec<String>, Range<usize>)> {
        let b = parse(text, "x.tf.json").unwrap();
        b.body
            .blocks()
            .zip(b.ranges)
            .map(|(bl, r)| {
                (
                    bl.ident.as_str().to_string(),
                    bl.labels.iter().map(|l| l.as_str().to_string()).collect(),
                    r,
                )
            })
            .collect()
    }

    #[test]
    fn every_spec_form_gives_every_block() {
        let forms = [
            r#"{"resource": {"aws_s3_bucket": {"a": {}, "b": {}}}}"#,
            r#"{"resource": [{"aws_s3_bucket": {"a": {}}}, {"aws_s3_bucket": {"b": {}}}]}"#,
            r#"{"resource": {"aws_s3_bucket": [{"a": {}}, {"b": {}}]}}"#,
            r#"{"resource": {"aws_s3_bucket": {"a": {}}}, "resource": {"aws_s3_bucket": {"b": {}}}}"#,
            r#"{"resource": {"aws_s3_bucket": {"a": {}}, "aws_s3_bucket": {"b": {}}}}"#,
        ];
        for f in forms {
            let names: Vec<String> = blocks(f)
                .into_iter()
                .map(|(_, l, _)| l[1].clone())
                .collect();
            assert_eq!(names, vec!["a", "b"], "{f}");
        }
        // One address given twice is two blocks (Terraform rejects it; rampart reports it).
        let twice =
            blocks(r#"{"resource": {"aws_s3_bucket": {"a": [{"bucket": "x"}, {"bucket": "y"}]}}}"#);
        assert_eq!(twice.len(), 2);
        assert_ne!(twice[0].2, twice[1].2);
    }

    #[test]
    fn locals_and_variables_are_blocks() {
        let b =
            blocks(r#"{"locals": {"x": 1}, "variable": {"v": {"default": 2}}, "terraform": {}}"#);
        assert_eq!(b[0].0, "locals");
        assert!(b[0].1.is_empty());
        assert_eq!(b[1], ("variable".into(), vec!["v".into()], b[1].2.clone()));
    }

    #[test]
    fn strings_with_interpolation_become_templates() {
        assert!(matches!(
            template("${var.x}-y"),
            Expression::StringTemplate(_)
        ));
        assert!(matches!(template("plain"), Expression::String(_)));
    }

    #[test]
    fn not_json_is_reported_at_its_line() {
        let e = parse("{\n\"resource\": {,}\n}", "x.tf.json").err().unwrap();
        assert_eq!(e.span.unwrap().start_line, 2);
        assert!(parse("[]", "x.tf.json").is_err());
        assert!(parse("{\"a\": 1,}", "x.tf.json").is_err(), "strict JSON");
    }
}
