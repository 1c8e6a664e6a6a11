//! Facts computed in Rust and attached to resources for the rules to read.

pub mod ages;
pub mod classification;
pub mod iam;
pub mod kubernetes;
