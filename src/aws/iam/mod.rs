//! IAM: roles, users, groups, managed policies, the password policy, credentials and
//! identity providers.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub mod policy;
pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use serde_json::{json, Value as Json};

use super::ResourceType;
use crate::analyze::iam::managed;
use crate::model::Known;

/// IAM's resource types (the split ones, attachments and inline policies, fold into these).
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        id_from: Some("name"),
        ..ResourceType::adapted("aws_iam_role", terraform::role)
    },
    ResourceType {
        id_from: Some("name"),
        ..ResourceType::adapted("aws_iam_user", terraform::user)
    },
    ResourceType {
        id_from: Some("name"),
        ..ResourceType::adapted("aws_iam_group", terraform::group)
    },
    ResourceType {
        id_from: Some("name"),
        ..ResourceType::adapted("aws_iam_policy", terraform::managed_policy)
    },
    ResourceType::adapted(
        "aws_iam_account_password_policy",
        terraform::password_policy,
    ),
];

/// A managed policy attached by ARN, as a principal's policy entry: an AWS managed policy with
/// its document (from rampart's snapshot of them), or a customer managed one whose document is
/// the `aws_iam_policy` resource's. An ARN known only after apply keeps its reference, which may
/// still name an AWS managed policy (`arn:aws:iam::aws:policy/…`).
pub(crate) fn managed_entry(arn: &Known<String>) -> Json {
    let text = match arn {
        Known::Value(s) | Known::Unknown(s) => Some(s.as_str()),
        Known::Secret(_) => None,
    };
    if let Some(canonical) = text.and_then(managed::canonical_arn) {
        let name = canonical.rsplit('/').next().unwrap_or_default().to_string();
        let document = managed::document(&canonical).unwrap_or_else(|| {
            crate::model::unknown(&format!(
                "{canonical}: an AWS managed policy that rampart's snapshot of them does not hold (refresh data/iam/aws-managed-policies.jsonl)"
            ))
        });
        return json!({"name": name, "kind": "aws_managed", "arn": canonical, "document": document});
    }
    let name = match arn {
        Known::Value(a) => a.rsplit('/').next().map(Json::from),
        _ => None,
    };
    json!({
        "name": name,
        "kind": "managed",
        "arn": arn,
        "document": Json::Null,
    })
}

/// How the live collector reads the service (`--services iam`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "iam",
        collector: crate::collect::aws::live::Collector::Global(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };
