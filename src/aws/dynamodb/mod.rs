//! DynamoDB tables with their encryption and backups.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use super::{DataActions, ResourceType};

/// DynamoDB's resource types.
pub(crate) const TYPES: &[ResourceType] = &[ResourceType {
    id_from: Some("name"),
    data_store: true,
    data_actions: DataActions {
        read: &[
            "dynamodb:getitem",
            "dynamodb:batchgetitem",
            "dynamodb:query",
            "dynamodb:scan",
            "dynamodb:exporttabletopointintime",
        ],
        write: &[
            "dynamodb:putitem",
            "dynamodb:updateitem",
            "dynamodb:deleteitem",
            "dynamodb:batchwriteitem",
        ],
    },
    ..ResourceType::adapted("aws_dynamodb_table", terraform::dynamodb_table)
}];

/// How the live collector reads the service (`--services dynamodb`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "dynamodb",
        collector: crate::collect::aws::live::Collector::Regional(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };
