//! SNS topics and their access policies. `terraform.rs` reads them from a configuration.

pub(crate) mod terraform;

use super::ResourceType;

/// SNS's resource types. A topic's `policy` is computed by the provider when not set.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        provider_computed: &["policy"],
        ..ResourceType::adapted("aws_sns_topic", terraform::topic)
    },
    ResourceType::plain("aws_sns_topic_policy"),
];
