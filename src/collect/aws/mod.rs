//! AWS data into the normalized model, with the same resource types and attribute names the
//! Terraform adapters produce.

pub mod authorization_details;
pub mod credential_report;
pub mod organizations;
pub mod service_last_accessed;
