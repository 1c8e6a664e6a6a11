//! Elastic Load Balancing v2: load balancers, their listeners and the WAF web ACLs
//! associated with them.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;
