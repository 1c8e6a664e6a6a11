//! ECR repositories and their repository policies. `terraform.rs` reads them from a
//! configuration.

pub(crate) mod terraform;

use super::ResourceType;

/// ECR's resource types.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType::adapted("aws_ecr_repository", terraform::repository),
    ResourceType::plain("aws_ecr_repository_policy"),
];
