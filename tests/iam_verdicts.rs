//! A corpus of policies with verdicts worked out from AWS's documented evaluation logic
//! (tests/fixtures/iam/verdicts.json): explicit deny over allow, NotAction with Allow,
//! NotResource, boundaries, SCPs, conditions, wildcards in the middle of action names,
//! case-insensitive action matching and resource ARN wildcards.

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
