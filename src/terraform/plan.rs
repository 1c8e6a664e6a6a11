//! `terraform show -json` plans: planned values of root and child modules, with the attributes
//! that are unknown until apply (from `resource_changes[].change.after_unknown`) turned into
//! unknowns that name what they refer to (from `configuration` expressions).
//!
//! With a source directory, each instance takes its file and line spans from the `.tf` that
//! declares it, so findings point at the code, not into the plan file.

use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::config::Mode;
use super::eval::RawInstance;
use super::value::Val;
use crate::input::{parse_json_bounded, read_text_limited, MAX_DOCUMENT_BYTES, MAX_JSON_DEPTH};
use crate::model::{Diagnostic, DiagnosticLevel, Span};

pub struct PlanScan {
    pub instances: Vec<RawInstance>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a plan; `source` maps addresses to the instances evaluated from the `.tf` files.
pub fn load_plan(path: &Path, rel: &str, source: Option<&[RawInstance]>) -> PlanScan {
    let mut out = PlanScan {
        instances: Vec::new(),
        diagnostics: Vec::new(),
    };
    let text = match read_text_limited(path, rel, MAX_DOCUMENT_BYTES) {
        Ok(t) => t,
        Err(d) => {
            out.diagnostics.push(d);
            return out;
        }
    };
    let plan: Json = match parse_json_bounded(&text) {
        Ok(j) => j,
        Err((message, line, column)) => {
            out.diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Error,
                message,
                span: Some(Span {
                    file: rel.into(),
                    start_line: line,
                    end_line: line,
                }),
                column: Some(column),
            });
            return out;
        }
    };
    if plan.get("planned_values").is_none() && plan.get("resource_changes").is_none() {
        out.diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Error,
            message: format!(
                "{rel}: not a Terraform plan (no planned_values or resource_changes; make it with `terraform show -json plan.out`)"
            ),
            span: None,
            column: None,
        });
        return out;
    }

    let by_address: HashMap<&str, &RawInstance> = source
        .unwrap_or(&[])
        .iter()
        .map(|r| (r.address.as_str(), r))
        .collect();
    let changes: HashMap<&str, &Json> = plan
        .get("resource_changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c.get("address")?.as_str()?, c)))
        .collect();
    let config_root = plan.pointer("/configuration/root_module");

    let mut planned = Vec::new();
    let mut shape = Vec::new();
    match plan.get("planned_values") {
        None => {}
        Some(Json::Object(pv)) => match pv.get("root_module") {
            None => {}
            Some(root) => collect_module(
                root,
                "planned_values.root_module",
                &mut planned,
                &mut shape,
                0,
            ),
        },
        Some(other) => shape.push(format!(
            "planned_values is {}, not an object",
            type_name(other)
        )),
    }
    if let Some(rc) = plan.get("resource_changes").filter(|v| !v.is_array()) {
        shape.push(format!("resource_changes is {}, not a list", type_name(rc)));
    }
    for problem in shape {
        out.diagnostics.push(Diagnostic::at_line(
            DiagnosticLevel::Error,
            rel,
            1,
            format!("{rel}: {problem}; what it holds is not scanned"),
        ));
    }
    // Where each address first appears in the plan file, found once for all resources.
    let mut entry_lines: Option<HashMap<String, u32>> = None;
    for r in planned {
        let Some(address) = r.get("address").and_then(Json::as_str) else {
            out.diagnostics.push(Diagnostic::at_line(
                DiagnosticLevel::Error,
                rel,
                1,
                format!("{rel}: a planned resource has no address; not scanned"),
            ));
            continue;
        };
        let mode = if r.get("mode").and_then(Json::as_str) == Some("data") {
            Mode::Data
        } else {
            Mode::Managed
        };
        let rtype = r
            .get("type")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let name = r
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let module_address = module_of(address);
        let change = changes.get(address).and_then(|c| c.get("change"));
        if change
            .and_then(|c| c.get("actions"))
            .and_then(Json::as_array)
            .is_some_and(|a| a.len() == 1 && a[0] == "delete")
        {
            continue;
        }
        let exprs = config_root
            .and_then(|root| config_expressions(root, &module_address, &rtype, &name, mode));
        let mut values = Val::from_json(r.get("values").unwrap_or(&Json::Null));
        if let Some(unknown) = change.and_then(|c| c.get("after_unknown")) {
            let at = Place {
                module_address: &module_address,
                address,
            };
            mark_unknown(&mut values, unknown, exprs, &at, "", 0);
            if let Some(e) = exprs {
                drop_provider_computed(&mut values, &rtype, e);
            }
        }
        if let Some(sensitive) = r.get("sensitive_values") {
            mark_sensitive(&mut values, sensitive, 0);
        }
        // Plans from before Terraform 0.15 have no sensitive_values: the attributes known to
        // hold secrets are secrets whatever the plan says.
        super::secrets::mark(&rtype, &mut values);
        let declared = by_address
            .get(address)
            .or_else(|| by_address.get(strip_index(address)))
            .copied();
        let (span, attr_spans, directives) = match declared {
            Some(d) => (d.span.clone(), d.attr_spans.clone(), d.directives.clone()),
            None => {
                let lines = entry_lines.get_or_insert_with(|| address_lines(&text));
                let line = lines.get(address).copied().unwrap_or(1);
                let span = Span {
                    file: rel.into(),
                    start_line: line,
                    end_line: line,
                };
                (span, BTreeMap::new(), Vec::new())
            }
        };
        let refs = match declared {
            Some(d) => d.refs.clone(),
            None => exprs
                .map(|e| plan_refs(e, &module_address))
                .unwrap_or_default(),
        };
        out.instances.push(RawInstance {
            address: address.to_string(),
            module_address,
            mode,
            rtype,
            name,
            key: r.get("index").map(Val::from_json),
            values,
            attr_spans,
            span,
            directives,
            refs,
            root: String::new(),
            literals: declared.map(|d| d.literals.clone()).unwrap_or_default(),
        });
    }
    out
}

/// What each attribute refers to, from the `references` of the plan's configuration
/// expressions: the resource addresses among them (`aws_iam_role.app`), within the module.
fn plan_refs(exprs: &Json, module_address: &str) -> BTreeMap<String, Vec<String>> {
    let Some(attrs) = exprs.as_object() else {
        return BTreeMap::new();
    };
    attrs
        .iter()
        .filter_map(|(k, e)| {
            let refs: Vec<String> = e
                .get("references")?
                .as_array()?
                .iter()
                .filter_map(Json::as_str)
                .filter(|r| is_resource_address(r))
                .map(|r| {
                    if module_address.is_empty() {
                        r.to_string()
                    } else {
                        format!("{module_address}.{r}")
                    }
                })
                .collect();
            (!refs.is_empty()).then(|| (k.clone(), refs))
        })
        .collect()
}

/// `aws_iam_role.app`, `aws_iam_role.app[0]` or `data.x.y`: a resource, not one of its
/// attributes, a variable or a local.
fn is_resource_address(r: &str) -> bool {
    let base = r.split('[').next().unwrap_or(r);
    let parts: Vec<&str> = base.split('.').collect();
    match parts.as_slice() {
        ["var" | "local" | "each" | "count" | "path" | "module" | "terraform" | "self", ..] => {
            false
        }
        ["data", _, _] => true,
        [_, _] => r == base || r.ends_with(']'),
        _ => false,
    }
}

/// The planned resources of a module and its children; what is not shaped as a plan is
/// reported, not read as nothing.
fn collect_module<'j>(
    m: &'j Json,
    at: &str,
    out: &mut Vec<&'j Json>,
    problems: &mut Vec<String>,
    depth: usize,
) {
    if depth > 64 {
        problems.push(format!("{at} nests modules more than 64 deep"));
        return;
    }
    if !m.is_object() {
        problems.push(format!("{at} is {}, not an object", type_name(m)));
        return;
    }
    match m.get("resources") {
        None => {}
        Some(Json::Array(rs)) => {
            for (i, r) in rs.iter().enumerate() {
                if r.is_object() {
                    out.push(r);
                } else {
                    problems.push(format!(
                        "{at}.resources[{i}] is {}, not a resource",
                        type_name(r)
                    ));
                }
            }
        }
        Some(other) => problems.push(format!(
            "{at}.resources is {}, not a list",
            type_name(other)
        )),
    }
    match m.get("child_modules") {
        None => {}
        Some(Json::Array(cs)) => {
            for (i, child) in cs.iter().enumerate() {
                collect_module(
                    child,
                    &format!("{at}.child_modules[{i}]"),
                    out,
                    problems,
                    depth + 1,
                );
            }
        }
        Some(other) => problems.push(format!(
            "{at}.child_modules is {}, not a list",
            type_name(other)
        )),
    }
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

/// `module.a.module.b` from `module.a.module.b.aws_s3_bucket.x["k"]`.
fn module_of(address: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = address;
    while let Some(r) = rest.strip_prefix("module.") {
        // module name, optionally indexed, up to the next '.' outside brackets
        let end = next_dot(r);
        parts.push(format!("module.{}", &r[..end]));
        rest = r.get(end + 1..).unwrap_or("");
    }
    parts.join(".")
}

fn next_dot(s: &str) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => return i,
            _ => {}
        }
    }
    s.len()
}

fn strip_index(address: &str) -> &str {
    if address.ends_with(']') {
        address.rfind('[').map_or(address, |i| &address[..i])
    } else {
        address
    }
}

/// The `expressions` of a resource in the plan's `configuration`, following module calls.
fn config_expressions<'j>(
    root: &'j Json,
    module_address: &str,
    rtype: &str,
    name: &str,
    mode: Mode,
) -> Option<&'j Json> {
    let mut m = root;
    if !module_address.is_empty() {
        for part in module_address
            .split(".module.")
            .map(|p| p.trim_start_matches("module."))
        {
            let call = strip_index(part);
            m = m.pointer(&format!("/module_calls/{call}/module"))?;
        }
    }
    let want_mode = if mode == Mode::Data {
        "data"
    } else {
        "managed"
    };
    m.get("resources")?
        .as_array()?
        .iter()
        .find(|r| {
            r.get("type").and_then(Json::as_str) == Some(rtype)
                && r.get("name").and_then(Json::as_str) == Some(name)
                && r.get("mode").and_then(Json::as_str).unwrap_or("managed") == want_mode
        })?
        .get("expressions")
}

/// Which resource instance a value belongs to.
struct Place<'a> {
    module_address: &'a str,
    address: &'a str,
}

/// Attributes the AWS provider computes and a plan marks unknown even when the configuration
/// does not set them (`ResourceType::provider_computed`, e.g. `aws_s3_bucket`'s settings that
/// moved to split resources in version 4). Not set in the configuration (no expression), they
/// are read as not set, not as an unknown setting; the split resources fold in what they set.
/// Only attributes whose absence reads as the stricter setting are listed there (a `grant`
/// block may come from a `dynamic` block, which has no expression either).
fn drop_provider_computed(values: &mut Val, rtype: &str, exprs: &Json) {
    let Some(t) = crate::aws::resource_type(rtype) else {
        return;
    };
    let Val::Map(m) = values else { return };
    for name in t.provider_computed {
        if exprs.get(*name).is_none() && m.get(*name).is_some_and(Val::is_unknown) {
            m.insert(name.to_string(), Val::Null);
        }
    }
}

/// Replaces attributes marked in `after_unknown` with unknowns naming their reference.
fn mark_unknown(
    values: &mut Val,
    unknown: &Json,
    exprs: Option<&Json>,
    at: &Place,
    path: &str,
    depth: usize,
) {
    if depth > MAX_JSON_DEPTH {
        return;
    }
    let (module_address, address) = (at.module_address, at.address);
    match unknown {
        Json::Bool(true) => {
            let reference = exprs
                .and_then(|e| e.get("references"))
                .and_then(Json::as_array)
                .and_then(|r| r.first())
                .and_then(Json::as_str)
                .map(|r| {
                    if module_address.is_empty() {
                        r.to_string()
                    } else {
                        format!("{module_address}.{r}")
                    }
                })
                .unwrap_or_else(|| {
                    format!("{address}{}{path}", if path.is_empty() { "" } else { "." })
                });
            *values = Val::Unknown(reference);
        }
        Json::Object(o) => {
            if !matches!(values, Val::Map(_)) {
                *values = Val::Map(BTreeMap::new());
            }
            let Val::Map(m) = values else { return };
            for (k, u) in o {
                let sub_expr = exprs.and_then(|e| e.get(k));
                let entry = m.entry(k.clone()).or_insert(Val::Null);
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                mark_unknown(entry, u, sub_expr, at, &p, depth + 1);
            }
        }
        Json::Array(a) => {
            let Val::List(l) = values else { return };
            for (i, u) in a.iter().enumerate() {
                if let Some(entry) = l.get_mut(i) {
                    let sub_expr = exprs.and_then(|e| e.get(i));
                    let p = format!("{path}.{i}");
                    mark_unknown(entry, u, sub_expr, at, &p, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn mark_sensitive(values: &mut Val, sensitive: &Json, depth: usize) {
    if depth > MAX_JSON_DEPTH {
        return;
    }
    match (sensitive, values) {
        (Json::Bool(true), v) => *v = Val::Sensitive(Box::new(v.clone())),
        (Json::Object(o), Val::Map(m)) => {
            for (k, s) in o {
                if let Some(v) = m.get_mut(k) {
                    mark_sensitive(v, s, depth + 1);
                }
            }
        }
        (Json::Array(a), Val::List(l)) => {
            for (s, v) in a.iter().zip(l.iter_mut()) {
                mark_sensitive(v, s, depth + 1);
            }
        }
        _ => {}
    }
}

/// Without sources, a finding points at the resource's entry in the plan file: the line where
/// each `"address": "…"` first appears, for every address in one pass over the text.
fn address_lines(text: &str) -> HashMap<String, u32> {
    let re = regex::Regex::new(r#""address"\s*:\s*("(?:[^"\\]|\\.)*")"#).expect("valid regex");
    let mut out = HashMap::new();
    let mut line = 1u32;
    let mut counted = 0;
    for c in re.captures_iter(text) {
        let at = c.get(0).expect("whole match").start();
        line += text[counted..at].matches('\n').count() as u32;
        counted = at;
        if let Ok(address) = serde_json::from_str::<String>(&c[1]) {
            out.entry(address).or_insert(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_address_of_nested_instances() {
        assert_eq!(
            module_of("module.a.module.b[\"x.y\"].aws_s3_bucket.c"),
            "module.a.module.b[\"x.y\"]"
        );
        assert_eq!(module_of("aws_s3_bucket.c"), "");
    }

    #[test]
    fn deep_json_is_refused() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse_json_bounded(&deep).is_err());
    }
}
