//! SQS queues and their access policies. `terraform.rs` reads them from a configuration.

pub(crate) mod terraform;

use super::ResourceType;

/// SQS's resource types. A queue's `policy` is computed by the provider when not set.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        provider_computed: &["policy"],
        ..ResourceType::adapted("aws_sqs_queue", terraform::queue)
    },
    ResourceType::plain("aws_sqs_queue_policy"),
];
