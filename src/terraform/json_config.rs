//! `*.tf.json` files, turned into the same HCL syntax tree the evaluator reads.
//!
//! In Terraform's JSON syntax, strings are templates (`"${var.x}"`), so each string is parsed as
//! an HCL template. Without the provider schema, a nested block and an object attribute look the
//! same in JSON; both become object attributes, and the adapters accept either shape.
//! JSON has no spans in the tree, so a block's line is found by locating its name in the text.

use hcl_edit::expr::{Array, Expression, Object, ObjectKey, ObjectValue};
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::Ident;
use serde_json::Value as Json;

use crate::model::{Diagnostic, DiagnosticLevel, Span};

pub fn parse(text: &str, rel: &str) -> Result<Body, Diagnostic> {
    let json: Json = serde_json::from_str(text).map_err(|e| Diagnostic {
        level: DiagnosticLevel::Error,
        message: e.to_string(),
        span: Some(Span {
            file: rel.to_string(),
            start_line: e.line() as u32,
            end_line: e.line() as u32,
        }),
        column: Some(e.column() as u32),
    })?;
    let Json::Object(top) = json else {
        return Err(Diagnostic {
            level: DiagnosticLevel::Error,
            message: format!("{rel}: the top level of a .tf.json file must be an object"),
            span: Some(Span {
                file: rel.to_string(),
                start_line: 1,
                end_line: 1,
            }),
            column: None,
        });
    };
    let mut body = Body::new();
    for (kind, v) in &top {
        match kind.as_str() {
            "resource" | "data" => {
                for (rtype, by_name) in objects(v) {
                    for (name, attrs) in objects(by_name) {
                        body.push(block(kind, &[rtype, name], attrs));
                    }
                }
            }
            "variable" | "output" | "module" => {
                for (name, attrs) in objects(v) {
                    body.push(block(kind, &[name], attrs));
                }
            }
            "locals" => body.push(block(kind, &[], v)),
            _ => {}
        }
    }
    Ok(body)
}

/// Byte range of a block's name in the JSON text (`"type": { "name"`), for its line.
pub fn locate(text: &str, labels: &[&str]) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    for l in labels {
        let needle = format!("\"{l}\"");
        from += text[from..].find(&needle)?;
        from += 1;
    }
    let start = from - 1;
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some(start..end.max(start + 1))
}

fn objects(v: &Json) -> impl Iterator<Item = (&str, &Json)> {
    v.as_object()
        .into_iter()
        .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
}

fn block(kind: &str, labels: &[&str], attrs: &Json) -> Block {
    let mut b = Block::builder(Ident::new_unchecked(kind));
    for l in labels {
        b = b.label(*l);
    }
    for (k, v) in objects(attrs) {
        if let Ok(id) = Ident::try_new(k) {
            b = b.attribute(Attribute::new(id, expr(v)));
        }
    }
    b.build()
}

fn expr(v: &Json) -> Expression {
    match v {
        Json::Null => Expression::null(),
        Json::Bool(b) => Expression::from(*b),
        Json::Number(n) => n
            .as_i64()
            .map(Expression::from)
            .unwrap_or_else(|| Expression::from(n.as_f64().unwrap_or(0.0))),
        Json::String(s) => template(s),
        Json::Array(a) => {
            let mut arr = Array::new();
            for x in a {
                arr.push(expr(x));
            }
            Expression::from(arr)
        }
        Json::Object(o) => {
            let mut obj = Object::new();
            for (k, x) in o {
                obj.insert(
                    ObjectKey::Expression(Expression::from(k.as_str())),
                    ObjectValue::new(expr(x)),
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

    #[test]
    fn locates_nested_labels() {
        let text = "{\n \"resource\": {\n  \"aws_s3_bucket\": {\n   \"b\": {}\n  }\n }\n}";
        let r = locate(text, &["aws_s3_bucket", "b"]).unwrap();
        assert_eq!(&text[r.start..r.start + 3], "\"b\"");
    }

    #[test]
    fn strings_with_interpolation_become_templates() {
        assert!(matches!(
            template("${var.x}-y"),
            Expression::StringTemplate(_)
        ));
        assert!(matches!(template("plain"), Expression::String(_)));
    }
}
