//! EKS clusters, their access entries and pod identity associations.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;
