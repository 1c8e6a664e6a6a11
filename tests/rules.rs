//! The built-in rule pack: every rule has Rego tests that pass and good/bad Terraform examples
//! that behave as labelled when scanned through the whole pipeline.

use rampart::engine::{builtin_files, policy_test, Engine, Selection, Status};
use rampart::scan::{build_snapshot, evaluate, EvalOptions, Sources};
use std::path::{Path, PathBuf};

/// Examples with dates in them (credential reports) are written as of this day.
const EXAMPLES_AS_OF: time::Date = time::macros::date!(2026 - 11 - 01);

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn builtin_policy_tests_pass() {
    let outcomes = policy_test::run(&builtin_files(), &[]).expect("policies load");
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    assert!(failed.is_empty(), "failing Rego tests: {failed:#?}");
    let engine = Engine::new(&[]).unwrap();
    for rule in engine.rules() {
        let test_file = rule.source.replace(".rego", "_test.rego");
        let n = outcomes.iter().filter(|o| o.file == test_file).count();
        assert!(
            n >= 2,
            "{} ({}) has {n} Rego tests in {test_file}; at least 2 expected",
            rule.id,
            rule.source
        );
    }
}

fn scan_example(example: &Path, rule_id: &str) -> Vec<rampart::engine::RuleResult> {
    let dir = tempfile::tempdir().unwrap();
    // Terraform and manifests are copied as `main.<ext>` so locations are predictable; a
    // snapshot example (`.json`, for rules that need cloud and cluster together) or a credential
    // report (`.csv`) is named on the command line as is.
    let ext = example.extension().unwrap().to_str().unwrap();
    let path = dir.path().join(format!("main.{ext}"));
    std::fs::copy(example, &path).unwrap();
    let scanned = if ext == "json" || ext == "csv" {
        path
    } else {
        dir.path().to_path_buf()
    };
    let sources = Sources {
        paths: vec![scanned],
        root: dir.path().to_path_buf(),
        ..Default::default()
    };
    let snapshot = build_snapshot(&sources).unwrap();
    assert!(
        snapshot
            .diagnostics
            .iter()
            .all(|d| d.level != rampart::model::DiagnosticLevel::Error),
        "{}: {:?}",
        example.display(),
        snapshot.diagnostics
    );
    let engine = Engine::new(&[]).unwrap();
    let opts = EvalOptions {
        selection: Selection {
            select: vec![rule_id.to_string()],
            ignore: vec![],
        },
        as_of: Some(EXAMPLES_AS_OF),
        ..Default::default()
    };
    evaluate(&engine, snapshot, &opts)
        .unwrap()
        .results
        .into_iter()
        .filter(|r| r.rule_id == rule_id)
        .collect()
}

#[test]
fn good_and_bad_examples_behave_as_labelled() {
    let engine = Engine::new(&[]).unwrap();
    assert!(
        engine.rules().len() >= 30,
        "expected the full first rule pack, found {}",
        engine.rules().len()
    );
    for rule in engine.rules() {
        let base = crate_dir().join(rule.source.trim_end_matches(".rego"));
        let example = |label: &str| {
            ["tf", "yaml", "json", "csv"]
                .iter()
                .map(|ext| base.with_extension(format!("{label}.{ext}")))
                .find(|p| p.is_file())
                .unwrap_or_else(|| panic!("{}: no {label} example beside {}", rule.id, rule.source))
        };
        let (good, bad) = (example("good"), example("bad"));

        let results = scan_example(&good, &rule.id);
        assert!(
            results.iter().any(|r| r.status == Status::Pass),
            "{}: good example has no passing result: {results:#?}",
            rule.id
        );
        assert!(
            results.iter().all(|r| r.status == Status::Pass),
            "{}: good example has non-passing results: {results:#?}",
            rule.id
        );

        let results = scan_example(&bad, &rule.id);
        let fails: Vec<_> = results
            .iter()
            .filter(|r| r.status == Status::Fail)
            .collect();
        assert!(
            !fails.is_empty(),
            "{}: bad example does not fail: {results:#?}",
            rule.id
        );
        for f in fails {
            let loc = f.location.as_ref().expect("failures carry a location");
            // A snapshot keeps the files its resources were read from.
            let snapshot_example = bad.extension().is_some_and(|e| e == "json");
            assert!(snapshot_example || loc.file.starts_with("main."), "{loc:?}");
            assert!(loc.start_line >= 1);
        }
    }
}

#[test]
fn rule_metadata_is_complete() {
    let engine = Engine::new(&[]).unwrap();
    for r in engine.rules() {
        assert!(!r.description.is_empty(), "{} has no description", r.id);
        assert!(!r.remediation.is_empty(), "{} has no remediation", r.id);
        assert!(
            r.controls.contains_key("nist_800_53"),
            "{} maps no NIST 800-53 control",
            r.id
        );
    }
}
