//! IAM: roles, users, groups, managed policies, the password policy, credentials and
//! identity providers.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use super::ResourceType;

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
