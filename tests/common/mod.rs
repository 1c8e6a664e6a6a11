//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod moto;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real `rampart` binary built for this test run.
pub fn rampart(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("rampart runs")
}

/// `rampart scan ARGS --format json` in `cwd`: its exit status and the findings document.
pub fn scan_json_in(args: &[&str], cwd: &Path) -> (Option<i32>, Value) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = rampart(&all, cwd);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    (o.status.code(), v)
}

/// The results of a findings document that have a status (`pass`, `fail`, …).
pub fn results<'v>(v: &'v Value, status: &str) -> Vec<&'v Value> {
    v["results"]
        .as_array()
        .expect("findings have results")
        .iter()
        .filter(|r| r["status"] == status)
        .collect()
}

/// A tool the test needs: from an environment variable set by `scripts/test`, else the place
/// `scripts/test` installs it, else `PATH`. A missing tool fails the test with how to get it.
pub fn tool(env: &str, fallback: &Path, what: &str) -> PathBuf {
    let from_path = || {
        let name = fallback.file_name()?;
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    };
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .or_else(|| fallback.is_file().then(|| fallback.to_path_buf()))
        .or_else(from_path);
    match path {
        Some(p) if p.is_file() => p,
        _ => panic!(
            "{what} is not installed (looked at ${env}, {}, PATH); run `scripts/test`, which installs it",
            fallback.display()
        ),
    }
}

pub fn text(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Writes files (path, contents) under a new temporary directory.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, c) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
    dir
}

/// A validator for one of the published JSON schemas (`reports/schema/NAME`).
pub fn schema_validator(name: &str) -> jsonschema::Validator {
    let load = |n: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(crate_dir().join("reports/schema").join(n)).unwrap(),
        )
        .unwrap()
    };
    let snapshot = load("snapshot.schema.json");
    jsonschema::options()
        .with_resource(
            "https://rampart.invalid/schema/snapshot.schema.json",
            jsonschema::Resource::from_contents(snapshot).unwrap(),
        )
        .build(&load(name))
        .expect("schema compiles")
}

/// Fails with every schema error of `doc`.
pub fn assert_valid(v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// What Microsoft's SARIF multitool (`validate --rule-kind Gh;Sarif`, GitHub's ingestion rules)
/// finds in a SARIF file; fails on any error.
pub fn sarif_multitool_problems(sarif: &Path) -> Vec<Value> {
    let multitool = tool(
        "SARIF_MULTITOOL",
        &crate_dir()
            .join("tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
        "Microsoft's SARIF multitool (npm @microsoft/sarif-multitool)",
    );
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("validation.sarif");
    let v = Command::new(&multitool)
        .args(["validate", "--rule-kind", "Gh;Sarif", "--output"])
        .arg(&report)
        .arg(sarif)
        .current_dir(dir.path())
        .output()
        .expect("multitool runs");
    assert!(v.status.success(), "multitool failed: {}", text(&v));
    let validation: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let problems = validation["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let errors: Vec<&Value> = problems.iter().filter(|r| r["level"] == "error").collect();
    assert!(errors.is_empty(), "SARIF validation errors: {errors:#?}");
    problems
}

/// What a GitHub-flavoured Markdown renderer would make active in `md`: links, images, HTML,
/// code spans and autolinks. rampart's own Markdown has none, so any found came from the input.
pub fn markdown_active_parts(md: &str) -> Vec<String> {
    use comrak::nodes::NodeValue;
    let mut options = comrak::Options::default();
    let ext = &mut options.extension;
    (ext.strikethrough, ext.table, ext.autolink, ext.tasklist) = (true, true, true, true);
    (ext.footnotes, ext.math_dollars) = (true, true);
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &options);
    root.descendants()
        .filter_map(|node| match &node.data().value {
            v @ (NodeValue::Link(_)
            | NodeValue::Image(_)
            | NodeValue::HtmlInline(_)
            | NodeValue::HtmlBlock(_)
            | NodeValue::Code(_)
            | NodeValue::Math(_)
            | NodeValue::FootnoteReference(_)) => Some(format!("{v:?}")),
            _ => None,
        })
        .collect()
}

/// A security group open to the internet on SSH: a high-severity failure (NET-01) in one file.
pub const OPEN_SSH_GROUP: &str = r#"resource "aws_security_group" "ssh" {
  name = "ssh"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;

/// How many built-in rules there are, counted from the files (one rule per `.rego` file with a
/// METADATA block, tests and the library aside), not from the engine that loads them: a rule
/// the engine failed to load is then missing from its listings.
pub fn builtin_rule_count() -> usize {
    walkdir::WalkDir::new(crate_dir().join("policies"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".rego") && !name.ends_with("_test.rego")
        })
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .starts_with("# METADATA")
        })
        .count()
}

/// Checks the attributes of every resource whose type has a generated schema
/// (`reports/schema/resources/<type>.schema.json`) against it: what a source writes is what the
/// model says. Returns how many resources were checked.
pub fn assert_resources_match_their_schemas(resources: &[Value]) -> usize {
    let dir = crate_dir().join("reports/schema/resources");
    let mut validators: std::collections::BTreeMap<String, Option<jsonschema::Validator>> =
        Default::default();
    let mut checked = 0;
    for r in resources {
        let rtype = r["type"].as_str().unwrap().to_string();
        let v = validators.entry(rtype.clone()).or_insert_with(|| {
            let path = dir.join(format!("{rtype}.schema.json"));
            let text = std::fs::read_to_string(path).ok()?;
            Some(jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap())
        });
        if let Some(v) = v {
            let errors: Vec<String> = v
                .iter_errors(&r["attributes"])
                .map(|e| format!("{} at {}", e, e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{} ({rtype}): {errors:#?}", r["uid"]);
            checked += 1;
        }
    }
    checked
}
