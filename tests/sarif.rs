//! The SARIF of the bundled example passes Microsoft's SARIF multitool with GitHub's ingestion
//! rules (`--rule-kind "Gh;Sarif"`) with zero errors, and carries what code scanning needs.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// Scans the bundled example into a SARIF file; the example has high findings, so exit 1.
fn example_sarif(sarif: &Path, extra: &[&str]) {
    let mut args = vec![
        "scan",
        "examples/connectcentral",
        "--waivers",
        "examples/connectcentral/waivers.yaml",
        "--sarif",
        sarif.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = rampart(&args, &crate_dir());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn example_sarif_passes_the_multitool_with_github_rules() {
    let out = tempfile::tempdir().unwrap();
    let sarif = out.path().join("results.sarif");
    example_sarif(&sarif, &["--format", "json"]);

    let problems = sarif_multitool_problems(&sarif);
    // The one accepted warning: no informationUri (rampart has no public homepage to name).
    for p in &problems {
        assert_eq!(
            p["ruleId"], "SARIF2005",
            "unexpected validation finding: {p:#}"
        );
    }
}

#[test]
fn sarif_results_carry_what_code_scanning_needs() {
    let out = tempfile::tempdir().unwrap();
    let sarif = out.path().join("r.sarif");
    example_sarif(&sarif, &["--category", "rampart/example/"]);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let run = &doc["runs"][0];
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(run["automationDetails"]["id"], "rampart/example/");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), builtin_rule_count());
    for r in rules {
        assert!(r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .is_ok());
        assert!(r["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("Remediation"));
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            tags.iter().any(|t| t.starts_with("nist_800_53:")),
            "{tags:?}"
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let loc = &r["locations"][0];
        let uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("examples/connectcentral/"), "{uri}");
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        assert!(
            loc["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
        assert!(loc["logicalLocations"][0]["fullyQualifiedName"].is_string());
        assert_eq!(
            r["partialFingerprints"]["rampart/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
    // The inline-suppressed and the waived findings are present, marked as suppressed.
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert!(suppressed
        .iter()
        .any(|r| r["suppressions"][0]["kind"] == "inSource" && r["ruleId"] == "NET-01"));
    assert!(suppressed
        .iter()
        .any(|r| r["suppressions"][0]["kind"] == "external" && r["ruleId"] == "IAM-02"));
    // The expired waiver is reported as a tool notification.
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes
        .iter()
        .any(|n| n["message"]["text"].as_str().unwrap().contains("expired")));
}

#[test]
fn parse_errors_become_notifications_and_exit_2() {
    let dir = tree(&[
        (
            "main.tf",
            "resource \"aws_s3_bucket\" \"ok\" {\n  bucket = \"fine\"\n}\n",
        ),
        (
            "broken.tf",
            "resource \"aws_s3_bucket\" \"bad\" {\n  bucket = \n}\n",
        ),
    ]);
    let sarif = dir.path().join("out.sarif");
    let o = rampart(
        &["scan", ".", "--sarif", sarif.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("broken.tf:2:"), "{stdout}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let run = &doc["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let note = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["level"] == "error")
        .expect("an error notification");
    assert_eq!(
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken.tf"
    );
    // The good file was still scanned.
    let json = rampart(&["scan", ".", "--format", "json"], dir.path());
    let findings: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(findings["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["resource"]["uid"] == "aws_s3_bucket.ok"));
}

/// A module reached outside `--root` holds findings: they are not written as machine paths
/// (the multitool and code scanning reject those) nor dropped, but counted in a notification.
#[test]
fn findings_outside_the_repository_are_counted_not_pointed_at() {
    let dir = tree(&[
        (
            "repo/main.tf",
            "module \"shared\" {\n  source = \"../shared\"\n}\n\nresource \"aws_s3_bucket\" \"here\" {\n  bucket = \"here\"\n}\n\nresource \"aws_s3_bucket_acl\" \"here\" {\n  bucket = aws_s3_bucket.here.id\n  acl    = \"public-read\"\n}\n",
        ),
        (
            "shared/main.tf",
            "resource \"aws_s3_bucket\" \"there\" {\n  bucket = \"there\"\n}\n\nresource \"aws_s3_bucket_acl\" \"there\" {\n  bucket = aws_s3_bucket.there.id\n  acl    = \"public-read\"\n}\n",
        ),
    ]);
    let repo = dir.path().join("repo");
    let sarif = dir.path().join("out.sarif");
    let o = rampart(
        &[
            "scan",
            ".",
            "--sarif",
            sarif.to_str().unwrap(),
            "--fail-on",
            "never",
        ],
        &repo,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let run = &doc["runs"][0];
    let uris: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["locations"].as_array().unwrap())
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"main.tf"), "{uris:?}");
    assert!(
        uris.iter()
            .all(|u| !u.contains("..") && !u.starts_with('/')),
        "{uris:?}"
    );
    let note = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["descriptor"]["id"] == "unplaced")
        .expect("the findings of the outside module are counted");
    assert!(
        note["message"]["text"].as_str().unwrap().contains("PUB-02"),
        "{note}"
    );
    let problems = sarif_multitool_problems(&sarif);
    assert!(
        problems.iter().all(|p| p["ruleId"] == "SARIF2005"),
        "{problems:#?}"
    );
    // Elsewhere the module is named relative to the root, not by the machine's directories.
    let (_, findings) = scan_json_in(&["."], &repo);
    let outside = dir.path().to_string_lossy().into_owned();
    assert!(!findings.to_string().contains(&outside), "{findings}");
    assert!(
        findings.to_string().contains("../shared/main.tf"),
        "{findings}"
    );
}
