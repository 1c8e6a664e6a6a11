//! Secrets Manager secrets and their resource policies (never their values: rampart reads no
//! secret value). `terraform.rs` reads them from a configuration.

pub(crate) mod terraform;

use super::ResourceType;

/// Secrets Manager's resource types. A secret's inline `policy` is computed by the provider
/// when not set.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        provider_computed: &["policy"],
        ..ResourceType::adapted("aws_secretsmanager_secret", terraform::secret)
    },
    ResourceType::plain("aws_secretsmanager_secret_policy"),
];
