//! CloudTrail trails and the CloudWatch Logs groups they deliver to.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use super::ResourceType;

/// CloudTrail's and CloudWatch Logs' resource types.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        id_from: Some("name"),
        ..ResourceType::adapted("aws_cloudtrail", terraform::cloudtrail)
    },
    ResourceType::adapted("aws_cloudwatch_log_group", terraform::log_group),
];
