//! CloudTrail trails and the CloudWatch Logs groups they deliver to.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;
