//! Least-privilege analysis: the IAM action catalog, policy documents, effective permissions,
//! privilege-escalation paths and the FERPA access map, attached to resources as derived facts.

mod access;
pub mod analysis;
pub mod catalog;
pub mod escalation;
pub mod managed;
mod paths;
pub mod policy;
mod principals;
