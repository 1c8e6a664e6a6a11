//! Kubernetes: manifests (YAML and JSON, multi-document, `List` kinds) into `k8s_*` resources of
//! the normalized model. The live collector (through the Kubernetes API) fills the same types.

pub mod adapter;
pub mod manifest;
