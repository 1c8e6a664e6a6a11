//! The command line end to end: exit statuses, selection, baseline, waivers, the published
//! JSON schemas, and the Markdown summary.

mod common;

use common::*;
use serde_json::Value;

fn scan_json(args: &[&str]) -> (Option<i32>, Value) {
    scan_json_in(args, &crate_dir())
}

#[test]
fn findings_and_snapshot_match_their_schemas() {
    let out = tempfile::tempdir().unwrap();
    let o = rampart(
        &[
            "scan",
            "examples/connectcentral",
            "--waivers",
            "examples/connectcentral/waivers.yaml",
            "-o",
            out.path().to_str().unwrap(),
        ],
        &crate_dir(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let read = |n: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(out.path().join(n)).unwrap()).unwrap()
    };
    assert_valid(
        &schema_validator("findings.schema.json"),
        &read("findings.json"),
    );
    assert_valid(
        &schema_validator("snapshot.schema.json"),
        &read("snapshot.json"),
    );
}

#[test]
fn exit_status_follows_the_threshold() {
    let (code, v) = scan_json(&["examples/connectcentral", "--fail-on", "critical"]);
    assert_eq!(code, Some(1));
    assert!(
        v["summary"]["failures_by_severity"]["critical"]
            .as_u64()
            .unwrap()
            > 0
    );
    let (code, _) = scan_json(&["examples/connectcentral", "--fail-on", "never"]);
    assert_eq!(code, Some(0));
    // Only rules that pass on the example: clean.
    let (code, v) = scan_json(&[
        "examples/connectcentral",
        "--select",
        "LOG-01,LOG-02,ENC-05",
    ]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["summary"]["rules"], 3);
}

#[test]
fn select_and_ignore_by_id_prefix() {
    let (_, v) = scan_json(&[
        "examples/connectcentral",
        "--select",
        "NET",
        "--ignore",
        "NET-05",
    ]);
    let ids: std::collections::BTreeSet<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        vec!["NET-01", "NET-02", "NET-03", "NET-04", "NET-06"]
    );
}

#[test]
fn baseline_fails_only_on_new_findings() {
    let dir = tree(&[("main.tf", "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n  tags = { data-classification = \"internal\" }\n}\n")]);
    let base = dir.path().join("base.json");
    let o = rampart(
        &[
            "scan",
            ".",
            "--json",
            base.to_str().unwrap(),
            "--fail-on",
            "never",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Same findings, lines shifted: nothing new.
    std::fs::write(dir.path().join("main.tf"), "\n\n# moved\nresource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n  tags = { data-classification = \"internal\" }\n}\n").unwrap();
    let o = rampart(
        &["scan", ".", "--baseline", base.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // A new public bucket policy: new critical finding.
    std::fs::write(
        dir.path().join("policy.tf"),
        r#"resource "aws_s3_bucket_policy" "a" {
  bucket = aws_s3_bucket.a.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "*" }] })
}
"#,
    )
    .unwrap();
    let o = rampart(
        &[
            "scan",
            ".",
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let new: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["baseline"] == "new" && r["status"] == "fail")
        .filter_map(|r| r["rule_id"].as_str())
        .collect();
    assert_eq!(new, vec!["PUB-03"]);
}

#[test]
fn waivers_need_a_reason_and_expired_ones_stop_suppressing() {
    let dir = tree(&[
        ("main.tf", "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n"),
        ("w.yaml", "waivers:\n  - rule: DATA-01\n    resource: aws_s3_bucket.a\n    reason: tagged by the org default_tags\n    owner: platform\n  - rule: TLS-01\n    resource: '*'\n    reason: old\n    owner: platform\n    expires: 2020-01-01\n"),
        ("bad.yaml", "waivers:\n  - rule: DATA-01\n    resource: aws_s3_bucket.a\n    owner: platform\n"),
    ]);
    let o = rampart(
        &[
            "scan",
            ".",
            "--waivers",
            "w.yaml",
            "--format",
            "json",
            "--select",
            "DATA-01,TLS-01",
        ],
        dir.path(),
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let status = |id: &str| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule_id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("DATA-01"), "waived");
    assert_eq!(status("TLS-01"), "fail");
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2020-01-01")));
    // A waiver that is not valid suppresses nothing; the run is reported and marked incomplete.
    let o = rampart(&["scan", ".", "--waivers", "bad.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("a reason is required"), "{}", text(&o));
}

#[test]
fn inline_suppression_without_reason_does_not_suppress() {
    let dir = tree(&[(
        "main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  # rampart:ignore DATA-01\n  bucket = \"a\"\n}\n",
    )]);
    let o = rampart(
        &["scan", ".", "--format", "json", "--select", "DATA-01"],
        dir.path(),
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["results"][0]["status"], "fail");
    assert!(v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no reason"));
}

#[test]
fn user_policies_are_loaded_and_tested() {
    let dir = tree(&[
        (
            "policies/naming.rego",
            r#"# METADATA
# title: Buckets follow the naming convention
# description: Bucket names start with the organization prefix.
# custom:
#   id: ORG-01
#   severity: low
#   resource_types: [aws_s3_bucket]
#   remediation: Rename the bucket.
#   controls:
#     nist_800_53: [CM-6]
package org.naming

import data.rampart.lib

deny contains lib.finding(b, "bucket", "bucket name lacks the org- prefix") if {
	some b in lib.resources("aws_s3_bucket")
	not startswith(b.attributes.bucket, "org-")
}
"#,
        ),
        (
            "policies/naming_test.rego",
            "package org.naming_test\n\nimport data.org.naming\n\ntest_prefix if {\n\tcount(naming.deny) == 1 with input as {\"resources_by_type\": {\"aws_s3_bucket\": [{\"uid\": \"b\", \"attributes\": {\"bucket\": \"x\"}}]}}\n}\n",
        ),
        ("tf/main.tf", "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"team-a\"\n}\n"),
    ]);
    let o = rampart(&["policy", "test", "policies"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 passed, 0 failed"));
    let o = rampart(
        &[
            "scan",
            "tf",
            "--policies",
            "policies",
            "--select",
            "ORG-",
            "--format",
            "json",
        ],
        dir.path(),
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["results"][0]["rule_id"], "ORG-01");
    assert_eq!(v["results"][0]["status"], "fail");
    assert_eq!(v["results"][0]["location"]["file"], "tf/main.tf");
}

#[test]
fn explain_and_rules_list() {
    let o = rampart(&["explain", "enc-01"], &crate_dir());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("ENC-01 [high]") && out.contains("nist_800_53: SC-28"),
        "{out}"
    );
    let o = rampart(&["explain", "NOPE-1"], &crate_dir());
    assert_eq!(o.status.code(), Some(2));
    let o = rampart(&["rules", "--json"], &crate_dir());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), builtin_rule_count());
}

#[test]
fn markdown_summary_of_the_example() {
    let o = rampart(
        &[
            "scan",
            "examples/connectcentral",
            "--waivers",
            "examples/connectcentral/waivers.yaml",
            "--format",
            "markdown",
        ],
        &crate_dir(),
    );
    let md = String::from_utf8_lossy(&o.stdout);
    // The digest line changes with every policy edit; the rest is stable.
    let stable: String = md
        .lines()
        .filter(|l| !l.contains("policy bundle"))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("example_summary", stable);
}

#[test]
fn trusted_accounts_silence_known_cross_account_trust() {
    let dir = tree(&[(
        "main.tf",
        r#"resource "aws_iam_role" "audit" {
  name = "auditor"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::444455556666:root" } }] })
}
"#,
    )]);
    let run = |extra: &[&str]| {
        let mut args = vec!["scan", ".", "--select", "IAM-08", "--format", "json"];
        args.extend_from_slice(extra);
        let o = rampart(&args, dir.path());
        let v: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
        (o, v)
    };
    let (_, v) = run(&[]);
    assert_eq!(v["results"][0]["status"], "fail");
    let (_, v) = run(&["--trusted-account", "444455556666"]);
    assert_eq!(v["results"][0]["status"], "pass");
    let (o, _) = run(&["--trusted-account", "4444"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn classification_keys_and_levels_are_configurable() {
    let dir = tree(&[(
        "main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n  tags = { Sensitivity = \"Restricted\" }\n}\n",
    )]);
    let run = |extra: &[&str]| -> Value {
        let mut args = vec!["scan", ".", "--select", "DATA-01", "--format", "json"];
        args.extend_from_slice(extra);
        serde_json::from_slice(&rampart(&args, dir.path()).stdout).unwrap()
    };
    // The default tag key is absent: untagged, treated as FERPA data.
    assert_eq!(run(&[])["results"][0]["status"], "fail");
    // A custom key with a value outside the levels is still a finding.
    let v = run(&["--classification-tag", "sensitivity"]);
    assert!(v["results"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not one of the configured levels"));
    // ...and passes once the institution's levels include it.
    let v = run(&[
        "--classification-tag",
        "sensitivity",
        "--classification-levels",
        "restricted,internal,public",
        "--classification-default",
        "restricted",
    ]);
    assert_eq!(v["results"][0]["status"], "pass");
}

#[test]
fn strict_rules_follow_the_most_sensitive_configured_level() {
    let dir = tree(&[("main.tf", "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n  tags = { sensitivity = \"restricted\" }\n}\n")]);
    let o = rampart(
        &[
            "scan",
            ".",
            "--select",
            "BAK-01",
            "--format",
            "json",
            "--classification-tag",
            "sensitivity",
            "--classification-levels",
            "restricted,internal",
            "--classification-default",
            "restricted",
        ],
        dir.path(),
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["results"][0]["status"], "fail",
        "versioning is required on the strictest level: {v:#}"
    );
}

#[test]
fn a_credential_report_is_judged_as_of_a_date_and_its_bad_rows_named() {
    let report = std::fs::read_to_string(
        crate_dir().join("policies/aws/iam/iam_06_unused_credentials.bad.csv"),
    )
    .unwrap();
    let dir = tree(&[("credential-report.csv", &format!("{report}truncated-row\n"))]);
    let path = dir.path().join("credential-report.csv");
    let judge = |as_of: &str| {
        scan_json_in(
            &[
                path.to_str().unwrap(),
                "--select",
                "IAM-06",
                "--as-of",
                as_of,
            ],
            dir.path(),
        )
    };
    // The password was last used on 2026-05-30: idle for 45 days from mid-July on.
    let (code, early) = judge("2026-06-15");
    assert_eq!(code, Some(2), "the unreadable row makes the run incomplete");
    let status = |v: &Value| -> Vec<String> {
        results(v, "fail")
            .into_iter()
            .map(|r| r["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        status(&early)
            .iter()
            .all(|m| !m.contains("console password")),
        "{early:#}"
    );
    let (_, late) = judge("2026-11-01");
    assert!(
        status(&late)
            .iter()
            .any(|m| m.contains("console password has not been used for 155 days")),
        "{late:#}"
    );
    let problems = late["diagnostics"].to_string();
    assert!(
        problems.contains("credential-report.csv") && problems.contains("\"start_line\":4"),
        "{problems}"
    );
}

#[test]
fn a_terraform_file_stands_for_its_module() {
    let dir = tree(&[
        ("infra/variables.tf", "variable \"min_length\" {\n  default = 8\n}\n"),
        ("infra/iam.tf", "resource \"aws_iam_account_password_policy\" \"p\" {\n  minimum_password_length   = var.min_length\n  password_reuse_prevention = 24\n}\n"),
    ]);
    let (code, v) = scan_json_in(&["infra/iam.tf", "--select", "IAM-07"], dir.path());
    // A medium finding is below the default --fail-on high.
    assert_eq!(code, Some(0), "{v:#}");
    let fails = results(&v, "fail");
    assert_eq!(fails.len(), 1, "{fails:#?}");
    assert!(
        fails[0]["message"].as_str().unwrap().contains("is 8"),
        "{fails:#?}"
    );
}

/// Shell completions and the manual page come from the clap definitions: every subcommand is in
/// each, the bash script parses, and the page is roff with the command's name and options.
#[test]
fn completions_and_manual_page_cover_every_subcommand() {
    let subcommands = [
        "scan", "report", "verify", "collect", "merge", "diff", "rules", "explain", "policy",
    ];
    for shell in ["bash", "zsh", "fish"] {
        let o = rampart(&["completions", shell], &crate_dir());
        assert!(o.status.success(), "{}", text(&o));
        let script = String::from_utf8(o.stdout).unwrap();
        for sub in subcommands {
            assert!(script.contains(sub), "{shell}: no {sub}");
        }
        if shell == "bash" {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("rampart.bash");
            std::fs::write(&path, &script).unwrap();
            let check = std::process::Command::new("bash")
                .arg("-n")
                .arg(&path)
                .output()
                .unwrap();
            assert!(check.status.success(), "{}", text(&check));
        }
    }
    let o = rampart(&["man"], &crate_dir());
    assert!(o.status.success(), "{}", text(&o));
    let page = String::from_utf8(o.stdout).unwrap();
    assert!(page.contains(".TH rampart 1"), "{page}");
    for sub in subcommands {
        assert!(
            page.contains(&format!("rampart\\-{sub}(1)")),
            "no {sub} in {page}"
        );
    }
}
