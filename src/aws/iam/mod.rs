//! IAM: roles, users, groups, managed policies, the password policy, credentials and
//! identity providers.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;
