//! AWS, one folder per service: each holds the typed model of its resource types and the two
//! sources that fill it — the Terraform adapter (`terraform.rs`) and the live collector
//! (`live.rs`, behind the `aws` feature) — side by side. Both build the same structs, so the
//! compiler keeps them in step: a field added to the model is a field both must fill, and
//! AWS's defaults are written once, in the model.
//!
//! The model serializes to the attributes the rules read ([`crate::model::Resource`]); values
//! carry their provenance as [`crate::model::Attr`] and may be unknown as
//! [`crate::model::Known`]. See `docs/architecture.md` for where this sits in the data flow, and
//! for the services not yet moved here.

pub mod cloudtrail;
pub mod dynamodb;
pub mod ec2;
pub mod eks;
pub mod elb;
pub mod iam;
pub mod kms;
pub mod rds;
pub mod s3;
