//! Live data. The SDK-based collectors sit behind the `aws` and `kubernetes` features; importing
//! documents the AWS CLI already wrote needs no SDK.

pub mod aws;

#[cfg(feature = "kubernetes")]
pub mod kubernetes;
