//! Terraform: source directories (HCL and JSON syntax) and `terraform show -json` plans.

pub mod adapter;
pub mod config;
pub mod eval;
pub mod functions;
pub mod json_config;
pub mod plan;
pub mod policy_document;
pub mod secrets;
pub mod value;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::{Diagnostic, DiagnosticLevel};
pub use eval::{Evaluation, RawInstance, RootVars};
use value::Val;

/// How root-module variables are given, in Terraform's order of precedence (later wins):
/// environment `TF_VAR_*`, `terraform.tfvars`, `*.auto.tfvars` (sorted), `--var-file`, `--var`.
#[derive(Debug, Default, Clone)]
pub struct VarInputs {
    pub var_files: Vec<PathBuf>,
    /// `name=value` pairs from the command line.
    pub vars: Vec<String>,
    /// Read `TF_VAR_*` from the environment.
    pub use_env: bool,
}

/// Evaluates the root module in `dir`.
pub fn load_directory(dir: &Path, scan_root: &Path, inputs: &VarInputs) -> Evaluation {
    let mut diags = Vec::new();
    let vars = root_vars(dir, scan_root, inputs, &mut diags);
    let mut ev = eval::evaluate(dir, scan_root, vars);
    ev.diagnostics.extend(diags);
    let root = crate::input::rel_path(scan_root, dir);
    for i in &mut ev.instances {
        i.root = root.clone();
    }
    // What is said of module calls and blocks names them as the snapshot does: within the root.
    for c in &mut ev.coverage {
        c.scope = eval::uid_in_root(&root, &c.scope);
    }
    ev
}

fn root_vars(
    dir: &Path,
    scan_root: &Path,
    inputs: &VarInputs,
    diags: &mut Vec<Diagnostic>,
) -> RootVars {
    let mut vars = RootVars::default();
    if inputs.use_env {
        for (k, v) in std::env::vars() {
            if let Some(name) = k.strip_prefix("TF_VAR_") {
                vars.values.insert(name.to_string(), parse_cli_value(&v));
            }
        }
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let tfvars = dir.join("terraform.tfvars");
    if tfvars.is_file() {
        files.push(tfvars);
    }
    let json_tfvars = dir.join("terraform.tfvars.json");
    if json_tfvars.is_file() {
        files.push(json_tfvars);
    }
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut auto: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
            })
            .collect();
        auto.sort();
        files.extend(auto);
    }
    files.extend(inputs.var_files.iter().cloned());
    for f in files {
        let rel = crate::input::rel_path(scan_root, &f);
        match read_tfvars(&f, &rel) {
            Ok(v) => {
                vars.from_files.extend(v.keys().cloned());
                vars.values.extend(v);
            }
            Err(d) => diags.push(d),
        }
    }
    for kv in &inputs.vars {
        match kv.split_once('=') {
            Some((k, v)) => {
                vars.from_files.remove(k.trim());
                vars.values.insert(k.trim().to_string(), parse_cli_value(v));
            }
            None => diags.push(Diagnostic {
                level: DiagnosticLevel::Error,
                message: format!("--var {kv:?} is not of the form name=value"),
                span: None,
                column: None,
            }),
        }
    }
    vars
}

/// A `--var` value: HCL for lists, maps and numbers, otherwise the literal string.
fn parse_cli_value(v: &str) -> Val {
    let t = v.trim_start();
    if t.starts_with('[') || t.starts_with('{') {
        if let Ok(e) = hcl_edit::parser::parse_expr(v) {
            return literal(&e);
        }
    }
    Val::Str(v.to_string())
}

/// Evaluates a constant expression (tfvars allow no references).
fn literal(e: &hcl_edit::expr::Expression) -> Val {
    eval::evaluate_constant(e)
}

fn read_tfvars(path: &Path, rel: &str) -> Result<BTreeMap<String, Val>, Diagnostic> {
    let text = crate::input::read_text(path, rel)?;
    if rel.ends_with(".json") {
        let j: serde_json::Value = serde_json::from_str(&text).map_err(|e| Diagnostic {
            level: DiagnosticLevel::Error,
            message: e.to_string(),
            span: Some(crate::model::Span {
                file: rel.into(),
                start_line: e.line() as u32,
                end_line: e.line() as u32,
            }),
            column: Some(e.column() as u32),
        })?;
        return Ok(j
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), Val::from_json(v)))
                    .collect()
            })
            .unwrap_or_default());
    }
    let body = hcl_edit::parser::parse_body(&text).map_err(|e| Diagnostic {
        level: DiagnosticLevel::Error,
        message: e.message().to_string(),
        span: Some(crate::model::Span {
            file: rel.into(),
            start_line: e.location().line() as u32,
            end_line: e.location().line() as u32,
        }),
        column: Some(e.location().column() as u32),
    })?;
    Ok(body
        .attributes()
        .map(|a| (a.key.as_str().to_string(), literal(&a.value)))
        .collect())
}
