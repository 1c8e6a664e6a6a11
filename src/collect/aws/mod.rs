//! AWS data into the normalized model, with the same resource types and attribute names the
//! Terraform adapters produce.

pub mod authorization_details;
pub mod credential_report;
pub mod eks_identities;
#[cfg(feature = "aws")]
pub mod live;
pub mod organizations;
pub mod service_last_accessed;

use serde_json::Value as Json;

/// Recorded AWS data (JSON) a scanned file may hold, told apart by its top-level keys.
pub enum AwsExport {
    AuthorizationDetails(Json),
    ServiceLastAccessed(Json),
    Organization(Json),
    EksIdentities(Json),
}

impl AwsExport {
    /// The export a file holds, if any; a rampart snapshot is none of them. Only files whose
    /// opening mentions one of the keys are parsed here.
    pub fn recognise(text: &str) -> Option<AwsExport> {
        let head: String = text.chars().take(4096).collect();
        let mentioned = [
            "DetailList",
            "\"Policies\"",
            service_last_accessed::KEY,
            organizations::KEY,
            eks_identities::KEY,
        ]
        .iter()
        .any(|k| head.contains(k));
        if !mentioned {
            return None;
        }
        let doc: Json = serde_json::from_str(text).ok()?;
        if doc.get("schema_version").is_some() {
            return None;
        }
        Some(if doc["ServiceLastAccessed"].is_object() {
            AwsExport::ServiceLastAccessed(doc)
        } else if organizations::is_organization(&doc) {
            AwsExport::Organization(doc)
        } else if eks_identities::is_eks_identities(&doc) {
            AwsExport::EksIdentities(doc)
        } else if authorization_details::is_authorization_details(&doc) {
            AwsExport::AuthorizationDetails(doc)
        } else {
            return None;
        })
    }
}
