//! rampart only reads, by construction: the operations the AWS collectors call are derived from
//! their source, and the minimal IAM policy in the README must grant exactly their actions, each
//! of them a List, Read (or `iam:GenerateCredentialReport`) action in the AWS catalog.

#![cfg(feature = "aws")]

mod common;

use common::crate_dir;
use rampart::collect::aws::live::ops;
use std::collections::{BTreeMap, BTreeSet};

/// `ops::NAME` referenced anywhere in the collectors — the live framework and each service's
/// `live.rs` (the operation table itself excluded).
fn operations_called() -> BTreeSet<String> {
    let re = regex::Regex::new(r"ops::([A-Z][A-Z0-9_]+)").unwrap();
    let mut used = BTreeSet::new();
    let files = walkdir::WalkDir::new(crate_dir().join("src/collect/aws/live"))
        .into_iter()
        .chain(walkdir::WalkDir::new(crate_dir().join("src/aws")));
    let mut read = 0;
    for entry in files {
        let path = entry.unwrap().into_path();
        if path.file_name().unwrap() == "ops.rs" || path.extension().unwrap_or_default() != "rs" {
            continue;
        }
        read += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        // Unit tests name operations without calling them.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        used.extend(
            re.captures_iter(code)
                .map(|c| c[1].to_string())
                .filter(|name| name != "ALL"),
        );
    }
    assert!(
        read > 10,
        "the collectors' sources were not found ({read} files)"
    );
    used
}

fn readme_policy() -> serde_json::Value {
    let readme = std::fs::read_to_string(crate_dir().join("README.md")).unwrap();
    let section = readme
        .split("### Minimal IAM policy")
        .nth(1)
        .expect("the README has a 'Minimal IAM policy' section");
    let block = section
        .split("```json")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a ```json block in it");
    serde_json::from_str(block).expect("the policy is valid JSON")
}

#[test]
fn the_readme_policy_grants_exactly_the_operations_the_collectors_call() {
    let table: BTreeMap<&str, &ops::Op> = ops::ALL.iter().map(|(id, op)| (*id, *op)).collect();
    let called = operations_called();
    let unknown: Vec<&String> = called
        .iter()
        .filter(|c| !table.contains_key(c.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "not in the operation table: {unknown:?}"
    );
    let unused: Vec<&&str> = table.keys().filter(|k| !called.contains(**k)).collect();
    assert!(
        unused.is_empty(),
        "in the table but never called (would over-grant): {unused:?}"
    );

    let needed: BTreeSet<String> = called
        .iter()
        .map(|c| table[c.as_str()].action.to_string())
        .collect();
    let policy = readme_policy();
    let statements = policy["Statement"].as_array().unwrap();
    assert!(statements
        .iter()
        .all(|s| s["Effect"] == "Allow" && s["Resource"] == "*"));
    let granted: BTreeSet<String> = statements
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert!(
        granted.iter().all(|a| !a.contains('*')),
        "no wildcards: {granted:?}"
    );
    let missing: Vec<_> = needed.difference(&granted).collect();
    let extra: Vec<_> = granted.difference(&needed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "README policy differs from the collectors: missing {missing:?}, not needed {extra:?}"
    );
}

#[test]
fn every_action_is_a_list_or_read_action_in_the_aws_catalog() {
    let catalog = std::fs::read_to_string(crate_dir().join("data/iam/catalog.tsv")).unwrap();
    let levels: BTreeMap<String, String> = catalog
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.first() == Some(&"A") && f.len() >= 4)
                .then(|| (format!("{}:{}", f[1], f[2]), f[3].to_string()))
        })
        .collect();
    for (id, op) in ops::ALL {
        let level = levels
            .get(op.action)
            .unwrap_or_else(|| panic!("{id}: {} is not an AWS action", op.action));
        assert!(
            level == "List" || level == "Read",
            "{id}: {} is a {level} action",
            op.action
        );
    }
}
