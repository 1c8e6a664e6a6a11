//! A corpus of policies with verdicts worked out from AWS's documented evaluation logic
//! (tests/fixtures/iam/verdicts.json): explicit deny over allow, NotAction with Allow,
//! NotResource, boundaries, SCPs, conditions, wildcards in the middle of action names,
//! case-insensitive action matching and resource ARN wildcards.

mod common;

use common::*;
use rampart::analyze::iam::policy::{decide_layers, parse, Decision, Named, Request};
use serde_json::Value;

#[test]
fn every_verdict_matches_aws_evaluation_logic() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/iam/verdicts.json"
    ))
    .unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 30);
    let mut wrong = Vec::new();
    for case in &cases {
        let identity: Vec<_> = case["identity"]
            .as_array()
            .unwrap()
            .iter()
            .map(parse)
            .collect();
        let boundary = (!case["boundary"].is_null()).then(|| parse(&case["boundary"]));
        let scps: Vec<_> = case["scps"].as_array().unwrap().iter().map(parse).collect();
        for d in identity.iter().chain(&boundary).chain(&scps) {
            assert!(
                d.issues.iter().all(|i| i.kind != "invalid_document"),
                "{}: {:?}",
                case["name"],
                d.issues
            );
        }
        let named: Vec<Named> = identity
            .iter()
            .map(|d| Named {
                name: "identity",
                doc: d,
            })
            .collect();
        let b = boundary.as_ref().map(|d| Named {
            name: "boundary",
            doc: d,
        });
        let s: Vec<Named> = scps
            .iter()
            .map(|d| Named {
                name: "scp",
                doc: d,
            })
            .collect();
        let action = case["action"].as_str().unwrap().to_ascii_lowercase();
        let req = Request {
            action: &action,
            arn: case["resource"].as_str(),
            address: None,
        };
        let got = match decide_layers(&named, b.as_ref(), &s, &req) {
            d @ Decision::Allowed { .. } if d.unconditional() => "allow",
            Decision::Allowed { .. } => "conditional",
            Decision::Denied { .. } => "explicit_deny",
            Decision::NotAllowed => "implicit_deny",
        };
        if got != case["expect"] {
            wrong.push(format!(
                "{}: expected {}, got {got}",
                case["name"], case["expect"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// `rampart scan ARGS --format json --fail-on never` from the crate root; a run that does not
/// complete (input problems) still answers, so the caller sees its diagnostics.
fn scan_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--fail-on", "never"]);
    scan_json_in(&all, &crate_dir()).1
}

/// The least-privilege analysis on a live account's IAM (GetAccountAuthorizationDetails output):
/// what must be flagged, and the cases that look dangerous but are not.
#[test]
fn authorization_details_findings() {
    // Unused access has its own test below.
    let v = scan_json(&[
        "tests/fixtures/iam/authorization-details.json",
        "--select",
        "IAM",
        "--ignore",
        "IAM-06",
    ]);
    assert_eq!(
        v["diagnostics"],
        serde_json::json!([]),
        "the import is clean"
    );
    let mut fails: Vec<(String, String)> = results(&v, "fail")
        .into_iter()
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().to_string(),
                r["resource"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    fails.sort();
    fails.dedup();
    let expect: Vec<(String, String)> = [
        ("IAM-01", "break-glass"),
        ("IAM-01", "ec2-admin"),
        ("IAM-01", "lambda-admin"),
        ("IAM-02", "denied-iam"),
        ("IAM-02", "lambda-admin"),
        // alice: ops group may pass any role to EC2, and ec2-admin trusts EC2.
        ("IAM-09", "alice"),
        // carol: may assume break-glass, which trusts the account.
        ("IAM-09", "carol"),
        // mfa-attacher can attach any policy to itself, but only with MFA: reported, with the
        // condition.
        ("IAM-09", "mfa-attacher"),
        // typo: Allow NotAction iam:* includes sts:AssumeRole on break-glass.
        ("IAM-09", "typo"),
        // bob and carol hold policies of their own rather than through a group.
        ("IAM-11", "bob"),
        ("IAM-11", "carol"),
        ("IAM-13", "typo"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    // Not flagged, rightly: bob's PassRole to ec2-admin is explicitly denied and lambda-admin does
    // not trust EC2; guarded-key-admin's boundary allows only S3; mfa-attacher is no administrator
    // (its grant holds only with MFA); denied-iam's iam:* is denied; the s3-only policy is a boundary.
    assert_eq!(fails, expect);
}

/// Unused access on a live account: roles by their last use, services by the recorded
/// service-last-accessed responses, judged as of a fixed day.
#[test]
fn unused_roles_and_service_grants() {
    let v = scan_json(&[
        "tests/fixtures/iam/authorization-details.json",
        "tests/fixtures/iam/service-last-accessed.json",
        "--select",
        "IAM-06",
        "--as-of",
        "2026-11-01",
    ]);
    let messages = |name: &str, status: &str| -> Vec<String> {
        results(&v, status)
            .into_iter()
            .filter(|r| r["resource"]["name"] == name)
            .map(|r| r["message"].as_str().unwrap_or("").to_string())
            .collect()
    };
    // Used two days ago, and only S3 of what it is granted.
    let reader = messages("records-reader", "fail");
    assert_eq!(reader.len(), 1, "{reader:#?}");
    assert!(
        reader[0]
            .starts_with("kms (AWS Key Management Service) is granted but unused for 1035 days")
            && reader[0].ends_with("would keep s3"),
        "{reader:#?}"
    );
    // Last used eight months ago; its service report was still running, so no service verdicts.
    assert_eq!(
        messages("break-glass", "fail"),
        vec!["the role has not been used for 245 days".to_string()]
    );
    // Never used since it was created in 2024.
    assert_eq!(
        messages("ec2-admin", "fail"),
        vec!["the role has not been used for 1035 days".to_string()]
    );
    let diagnostics = v["diagnostics"].to_string();
    assert!(
        diagnostics.contains("role/deleted-last-week: no such role")
            && diagnostics.contains("role/break-glass: job status")
            && diagnostics.contains("IN_PROGRESS"),
        "{diagnostics}"
    );
}

/// Service control policies from the Organizations data are a layer every grant must pass: an
/// SCP on the account's OU that denies iam:PassRole closes alice's path (PassRole to a role EC2
/// runs as), and leaves carol's (sts:AssumeRole) open.
#[test]
fn service_control_policies_close_escalation_paths() {
    let escalating = |files: &[&str]| -> Vec<String> {
        let mut args = files.to_vec();
        args.extend_from_slice(&["--select", "IAM-09"]);
        let v = scan_json(&args);
        assert_eq!(v["diagnostics"], serde_json::json!([]));
        results(&v, "fail")
            .into_iter()
            .map(|r| r["resource"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    let without = escalating(&["tests/fixtures/iam/authorization-details.json"]);
    let with = escalating(&[
        "tests/fixtures/iam/authorization-details.json",
        "tests/fixtures/iam/organization.json",
    ]);
    assert!(without.contains(&"alice".to_string()), "{without:?}");
    assert!(!with.contains(&"alice".to_string()), "{with:?}");
    assert!(with.contains(&"carol".to_string()), "{with:?}");
}

/// The escalation catalog, method by method (tests/fixtures/iam/escalation): every method of
/// data/iam/escalation.yaml has a principal that can use it, found and named by the method it
/// uses, and look-alikes (another resource, a role it cannot assume or pass, a policy it does
/// not hold or AWS manages, a Deny, a condition that can no longer hold, a role changing users)
/// are not reported.
#[test]
fn every_escalation_method_is_found_and_no_look_alike_is() {
    let v = scan_json(&["tests/fixtures/iam/escalation", "--select", "IAM-01,IAM-09"]);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    let flagged = |name: &str| -> Vec<String> {
        results(&v, "fail")
            .into_iter()
            .filter(|r| r["resource"]["name"] == name)
            .map(|r| r["message"].as_str().unwrap().to_string())
            .collect()
    };
    let methods = rampart::analyze::iam::escalation::methods();
    // A method the catalog names by id, or by its first action when it changes a principal.
    let expected: Vec<(String, String)> = methods
        .pass_role
        .iter()
        .map(|m| (m.id.clone(), format!("[{}]", m.id)))
        .chain(
            methods
                .existing_resource
                .iter()
                .map(|m| (m.id.clone(), format!("[{}]", m.id))),
        )
        .chain(
            methods
                .modify_principal
                .iter()
                .map(|m| (m.id.clone(), m.actions[0].name.clone())),
        )
        .collect();
    let mut wrong = Vec::new();
    for (id, needle) in &expected {
        let got = flagged(&format!("esc__{id}"));
        if !got.iter().any(|m| m.contains(needle.as_str())) {
            wrong.push(format!("esc__{id}: expected {needle} in {got:?}"));
        }
    }
    let mut principals: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["resource"]["name"].as_str())
        .filter(|n| n.starts_with("safe__") || n.starts_with("esc__"))
        .collect();
    principals.sort();
    principals.dedup();
    let safe: Vec<&&str> = principals
        .iter()
        .filter(|n| n.starts_with("safe__"))
        .collect();
    assert!(safe.len() >= 14, "{safe:?}");
    for name in safe {
        let got = flagged(name);
        if !got.is_empty() {
            wrong.push(format!("{name}: expected no escalation, got {got:?}"));
        }
    }
    // Attaching a policy leaves an explicit Deny in place; putting the inline policy lifts it.
    let kept = flagged("deny__kept");
    assert!(
        kept.iter()
            .any(|m| m.contains("(the Deny in inline:keeps-a-deny stays)")),
        "{kept:?}"
    );
    let lifted = flagged("deny__lifted");
    assert!(
        lifted.iter().any(
            |m| m.contains("after iam:PutUserPolicy lifts the Deny in inline:replaceable-deny")
        ),
        "{lifted:?}"
    );
    // Trust in the account's root, built with format(): the role is reached by sts:AssumeRole.
    let via_root = flagged("root__assume-any-role");
    assert!(
        via_root
            .iter()
            .any(|m| m.contains("aws_iam_role.trusts_account_root by sts:AssumeRole")),
        "{via_root:?}"
    );
    // No principal in the fixture that the catalog does not explain.
    for name in principals.iter().filter_map(|n| n.strip_prefix("esc__")) {
        if !expected.iter().any(|(id, _)| id == name) {
            wrong.push(format!("esc__{name} is not a method of the catalog"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A user who reads a FERPA bucket through a group and also holds an administrator policy of
/// its own keeps both routes on the access map: an auditor sees the group too.
#[test]
fn every_route_to_a_store_stays_on_the_access_map() {
    let dir = crate_dir().join("tests/fixtures/iam/access-routes");
    let sources = rampart::source::Sources {
        paths: vec![dir.clone()],
        root: dir,
        ..Default::default()
    };
    let snapshot = rampart::source::build_snapshot(&sources).unwrap();
    let engine = rampart::engine::Engine::new(&[]).unwrap();
    let outcome =
        rampart::scan::evaluate(&engine, snapshot, &rampart::scan::EvalOptions::default()).unwrap();
    let bucket = outcome
        .snapshot
        .resources
        .iter()
        .find(|r| r.resource_type == "aws_s3_bucket")
        .unwrap();
    let read = bucket.derived["access"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["principal"] == "aws_iam_user.dana" && e["access"] == "read")
        .unwrap_or_else(|| panic!("{:#}", bucket.derived["access"]));
    let routes = format!("{} {}", read["via"], read["also_via"]);
    assert!(
        routes.contains("group registrars: inline:read-records")
            && routes.contains("inline:break-glass"),
        "{read:#}"
    );
}
