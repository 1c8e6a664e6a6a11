//! Lambda functions and the permissions that make up their resource policy. `terraform.rs`
//! reads them from a configuration.

pub(crate) mod terraform;

use super::ResourceType;

/// Lambda's resource types.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        identity: "function_name",
        ..ResourceType::adapted("aws_lambda_function", terraform::function)
    },
    ResourceType::plain("aws_lambda_permission"),
];
