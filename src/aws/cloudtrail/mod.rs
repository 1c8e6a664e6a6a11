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

/// How the live collector reads the service (`--services cloudtrail`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "cloudtrail",
        collector: crate::collect::aws::live::Collector::Regional(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };
