//! The documents of every AWS managed policy, from the snapshot in
//! `data/iam/aws-managed-policies.jsonl` (its first line says where and when it was taken;
//! `scripts/refresh-aws-managed-policies` refreshes it). A Terraform attachment of
//! `ReadOnlyAccess` is judged by what ReadOnlyAccess grants; a live scan reads the documents
//! from the account instead. An AWS managed ARN that is not in the snapshot is reported, never
//! ignored.
//!
//! The snapshot is indexed on first use and a document is parsed only when asked for, so a scan
//! that attaches no AWS managed policy pays nothing for it.

use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::OnceLock;

static SNAPSHOT: &str = include_str!("../../../data/iam/aws-managed-policies.jsonl");

/// ARN (`arn:aws:iam::aws:policy/…`) → its line in the snapshot.
fn index() -> &'static HashMap<&'static str, &'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| {
        SNAPSHOT
            .lines()
            .skip(1)
            .filter_map(|line| {
                // Lines are written with sorted keys: `{"arn":"…","document":…`.
                let rest = line.strip_prefix("{\"arn\":\"")?;
                let end = rest.find('"')?;
                Some((&rest[..end], line))
            })
            .collect()
    })
}

/// The canonical ARN of an AWS managed policy named by `text`, whatever its partition
/// (`arn:aws-us-gov:…`, or `arn:${data.aws_partition.current.partition}:…` in Terraform):
/// `arn:aws:iam::aws:policy/<path><name>`. `None` for anything else.
pub fn canonical_arn(text: &str) -> Option<String> {
    let rest = text.strip_prefix("arn:")?;
    // The partition: a name, or one interpolation known only after apply.
    let after = if rest.starts_with("${") {
        &rest[rest.find('}')? + 1..]
    } else {
        &rest[rest.find(':')?..]
    };
    let policy = after.strip_prefix(":iam::aws:policy/")?;
    (!policy.is_empty() && !policy.contains("${"))
        .then(|| format!("arn:aws:iam::aws:policy/{policy}"))
}

/// Whether `text` names an AWS managed policy.
pub fn is_aws_managed(text: &str) -> bool {
    canonical_arn(text).is_some()
}

/// The document of the AWS managed policy `text` names, if the snapshot has it.
pub fn document(text: &str) -> Option<Json> {
    let arn = canonical_arn(text)?;
    let line = index().get(arn.as_str())?;
    let row: Json = serde_json::from_str(line).ok()?;
    row.get("document").cloned()
}

/// Where the snapshot comes from and how current it is (its first line).
pub fn about() -> Json {
    SNAPSHOT
        .lines()
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or(Json::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_a_policy_with_a_document() {
        assert_eq!(index().len() as u64, about()["policies"].as_u64().unwrap());
        for line in index().values() {
            let row: Json = serde_json::from_str(line).unwrap();
            assert!(
                row["document"]["Statement"].is_array() || row["document"]["Statement"].is_object()
            );
        }
    }

    #[test]
    fn arns_resolve_whatever_their_partition() {
        for text in [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
            "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess",
        ] {
            assert_eq!(
                canonical_arn(text).as_deref(),
                Some("arn:aws:iam::aws:policy/ReadOnlyAccess"),
                "{text}"
            );
            assert!(document(text).is_some(), "{text}");
        }
        assert!(
            document("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").is_some()
        );
        // Look-alikes: a customer policy, a policy name interpolated, a made-up AWS name.
        assert_eq!(
            canonical_arn("arn:aws:iam::123456789012:policy/ReadOnlyAccess"),
            None
        );
        assert_eq!(canonical_arn("arn:aws:iam::aws:policy/${var.name}"), None);
        assert!(canonical_arn("arn:aws:iam::aws:policy/NoSuchPolicyAtAll").is_some());
        assert!(document("arn:aws:iam::aws:policy/NoSuchPolicyAtAll").is_none());
    }
}
