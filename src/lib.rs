//! rampart: a security and compliance policy scanner for AWS, Kubernetes and Terraform.
//!
//! Sources are read into one normalized [`model`]; the [`engine`] evaluates Rego rules over it;
//! [`report`] writers turn results into SARIF, JSON, Markdown and terminal output. Scanning knows
//! nothing about printing.

pub mod analyze;
pub mod aws;
pub mod collect;
pub mod config;
pub mod credentials;
pub mod engine;
pub mod input;
pub mod kubernetes;
pub mod model;
pub mod report;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod terraform;
