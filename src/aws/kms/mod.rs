//! KMS keys with their policies, aliases and rotation.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use super::{DataActions, ResourceType};

/// KMS's resource types.
pub(crate) const TYPES: &[ResourceType] = &[ResourceType {
    identity: "key_id",
    data_actions: DataActions {
        read: &["kms:decrypt"],
        write: &["kms:generatedatakey", "kms:encrypt"],
    },
    ..ResourceType::adapted("aws_kms_key", terraform::kms_key)
}];

/// How the live collector reads the service (`--services kms`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "kms",
        collector: crate::collect::aws::live::Collector::Regional(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };
