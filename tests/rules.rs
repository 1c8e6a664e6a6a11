//! The built-in rule pack: every rule has Rego tests that pass and good/bad Terraform examples
//! that behave as labelled when scanned through the whole pipeline.

use rampart::engine::{builtin_files, policy_test, Engine, Selection, Status};
use rampart::scan::{evaluate, EvalOptions, SecretsSource};
use rampart::source::{build_snapshot, Sources};
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

/// An example read into a snapshot, as a scan of it would.
fn example_snapshot(example: &Path) -> rampart::model::Snapshot {
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
    snapshot
}

/// One rule's results on a snapshot.
fn judge(snapshot: rampart::model::Snapshot, rule_id: &str) -> Vec<rampart::engine::RuleResult> {
    let engine = Engine::new(&[]).unwrap();
    let opts = EvalOptions {
        selection: Selection {
            select: vec![rule_id.to_string()],
            ignore: vec![],
        },
        as_of: Some(EXAMPLES_AS_OF),
        // K8S-17 judges only under the CSI policy; no other rule reads it.
        kubernetes_secrets: SecretsSource::Csi,
        ..Default::default()
    };
    evaluate(&engine, snapshot, &opts)
        .unwrap()
        .results
        .into_iter()
        .filter(|r| r.rule_id == rule_id)
        .collect()
}

fn scan_example(example: &Path, rule_id: &str) -> Vec<rampart::engine::RuleResult> {
    judge(example_snapshot(example), rule_id)
}

/// An example of a rule, labelled `good` or `bad`, beside the rule's file.
fn example_of(rule: &rampart::engine::RuleMeta, label: &str) -> PathBuf {
    let base = crate_dir().join(rule.source.trim_end_matches(".rego"));
    ["tf", "yaml", "json", "csv"]
        .iter()
        .map(|ext| base.with_extension(format!("{label}.{ext}")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{}: no {label} example beside {}", rule.id, rule.source))
}

/// The places in a resource a read path names: every existing element for `*`, the path
/// itself where it is not there yet.
fn concrete_paths(value: &serde_json::Value, segments: &[String], at: String) -> Vec<String> {
    let Some((seg, rest)) = segments.split_first() else {
        return vec![at];
    };
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (seg.as_str(), value) {
        ("*", serde_json::Value::Array(a)) => (0..a.len())
            .flat_map(|i| concrete_paths(&a[i], rest, join(&i.to_string())))
            .collect(),
        ("*", serde_json::Value::Object(m)) => m
            .iter()
            .flat_map(|(k, v)| concrete_paths(v, rest, join(k)))
            .collect(),
        ("*", _) => Vec::new(),
        (k, v) => concrete_paths(v.get(k).unwrap_or(&serde_json::Value::Null), rest, join(k)),
    }
}

/// The class, for every rule: a value the rule says it reads, once unread or known only after
/// apply, never leaves a pass behind. Each read of each rule is made unread in turn on each
/// resource its good example passes.
#[test]
fn no_rule_passes_on_a_value_it_did_not_see() {
    use rampart::model::{ResourcePart, Snapshot};
    let engine = Engine::new(&[]).unwrap();
    let mut checked = 0;
    for rule in engine.rules() {
        let reads = rule
            .reads
            .clone()
            .expect("every built-in rule declares what it reads");
        let good = example_snapshot(&example_of(rule, "good"));
        let passing: Vec<String> = judge(good.clone(), &rule.id)
            .into_iter()
            .filter(|r| r.status == Status::Pass)
            .map(|r| r.resource.uid)
            .collect();
        for uid in &passing {
            for read in &reads {
                let mut s: Snapshot = good.clone();
                let res = s.resources.iter_mut().find(|r| &r.uid == uid).unwrap();
                let paths = match read.part {
                    ResourcePart::Attributes => {
                        concrete_paths(&res.attributes, &read.segments, String::new())
                    }
                    // Derived facts are computed again on evaluation; tags are one map.
                    ResourcePart::Derived => continue,
                    ResourcePart::Tags => vec!["tags".to_string()],
                };
                let Some(path) = paths.first() else { continue };
                res.set_unread(path, "denied in this test");
                let after = judge(s, &rule.id);
                let verdict = after.iter().find(|r| &r.resource.uid == uid);
                assert!(
                    verdict.is_none_or(|r| r.status != Status::Pass),
                    "{} passes {uid} with {path} unread: {verdict:#?}",
                    rule.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked} reads checked");
}

/// What a rule's Rego reads of a resource's attributes is declared in its `reads`, except
/// where the rule judges an unknown value itself (named here with why).
#[test]
fn rules_declare_the_attributes_they_read() {
    let handled: &[(&str, &str, &str)] = &[
        (
            "LOG-02",
            "kms_key_id",
            "an unknown key is an error the rule reports (lib.unknown_key)",
        ),
        (
            "ENC-02",
            "kms_key_id",
            "an unknown key is an error the rule reports (lib.unknown_key)",
        ),
        (
            "IAM-08",
            "external",
            "set by rampart on principals declared elsewhere, never unknown",
        ),
        (
            "LOG-03",
            "event_selectors",
            "read on trails; a trail that cannot be read logs nothing, so the bucket fails",
        ),
        (
            "LOG-03",
            "advanced_event_selectors",
            "read on trails, as event_selectors",
        ),
        (
            "LOG-04",
            "bucket",
            "read to tell trail buckets; an unknown name applies the rule, not less",
        ),
        ("LOG-04", "s3_bucket_name", "read on trails, as bucket"),
        (
            "K8S-13",
            "namespace",
            "manifests and the live API give every object one",
        ),
    ];
    let engine = Engine::new(&[]).unwrap();
    let re = regex::Regex::new(r#"attributes(?:\.([a-z_0-9]+)|\["([a-z_0-9]+)"\])"#).unwrap();
    for rule in engine.rules() {
        let text = std::fs::read_to_string(crate_dir().join(&rule.source)).unwrap();
        let declared: Vec<String> = rule
            .reads
            .iter()
            .flatten()
            .map(|r| {
                r.to_string()
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        for c in re.captures_iter(&text) {
            let name = c.get(1).or(c.get(2)).unwrap().as_str();
            let ok = declared.iter().any(|d| d == name)
                || handled
                    .iter()
                    .any(|(id, n, _)| *id == rule.id && *n == name);
            assert!(
                ok,
                "{} reads attributes.{name} without declaring it in reads",
                rule.id
            );
        }
    }
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
        let (good, bad) = (example_of(rule, "good"), example_of(rule, "bad"));

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
        for f in &fails {
            let loc = f.location.as_ref().expect("failures carry a location");
            // A snapshot keeps the files its resources were read from.
            let snapshot_example = bad.extension().is_some_and(|e| e == "json");
            assert!(snapshot_example || loc.file.starts_with("main."), "{loc:?}");
            assert!(loc.start_line >= 1);
        }
        // What the rule says on its bad example, line by line, as ruff keeps each rule's
        // diagnostics: a change to a message or to where a finding points shows in review.
        let mut lines: Vec<String> = fails
            .iter()
            .map(|f| {
                let loc = f.location.as_ref().expect("failures carry a location");
                format!(
                    "{}:{} {} [{}] {}",
                    bad.file_name().unwrap().to_string_lossy(),
                    loc.start_line,
                    f.resource.uid.rsplit(':').next().unwrap_or(&f.resource.uid),
                    f.attribute.as_deref().unwrap_or("-"),
                    f.message
                )
            })
            .collect();
        lines.sort();
        insta::with_settings!({
            snapshot_path => "snapshots/rule_findings",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(rule.id.clone(), lines.join("\n"));
        });
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

/// docs/coverage.md (generated by scripts/coverage-table, which needs the peers installed) says
/// what the rules' METADATA says: each peer check listed as judged names exactly the rules whose
/// `equivalents` name it, and no rule names a listed check the table calls a gap.
#[test]
fn the_coverage_table_agrees_with_rule_metadata() {
    let table = std::fs::read_to_string(crate_dir().join("docs/coverage.md")).unwrap();
    let engine = Engine::new(&[]).unwrap();
    let mut claimed: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for rule in engine.rules() {
        for ids in rule.equivalents.values() {
            for id in ids {
                claimed.entry(id).or_default().insert(rule.id.as_str());
            }
        }
    }
    let mut rows = 0;
    for line in table.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line
            .split(" | ")
            .map(|c| c.trim_matches(['|', ' ']))
            .collect();
        let (Some(check), Some(verdict)) = (cells.first(), cells.last()) else {
            continue;
        };
        // A check's id: CKV_AWS_19, s3_bucket_kms_encryption.
        let is_check =
            check.contains('_') && check.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_check {
            continue;
        }
        rows += 1;
        let listed: std::collections::BTreeSet<&str> = if verdict.starts_with("no rule") {
            Default::default()
        } else {
            verdict.split(", ").collect()
        };
        let expected = claimed.get(check).cloned().unwrap_or_default();
        assert_eq!(
            listed, expected,
            "docs/coverage.md row {check} is stale: run scripts/coverage-table"
        );
    }
    assert!(rows > 100, "docs/coverage.md lists only {rows} checks");
}
