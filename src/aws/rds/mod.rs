//! RDS: DB instances, Aurora clusters, their parameter and subnet groups, and snapshots.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;
