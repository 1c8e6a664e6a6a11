//! Service control policies from AWS Organizations, as `scripts/record-organization` records
//! them from the management account (the member accounts cannot read them):
//!
//! ```json
//! {"Organization": {
//!   "Accounts": [{"Id": "111122223333", "Path": ["r-ab12", "ou-ab12-11111111"]}],
//!   "Policies": [{"Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY",
//!                 "Content": "{\"Version\": …}", "Targets": ["r-ab12"]}]}}
//! ```
//!
//! Accounts become `aws_organizations_account` (their path from the root, OUs in order) and
//! policies `aws_organizations_policy` (the parsed document and the targets it is attached to),
//! the types and attribute names of the Terraform resources of the same name.

use crate::model::{Diagnostic, DiagnosticLevel, Origin, Resource, SourceKind};
use serde_json::{json, Value as Json};

/// The top-level key of the file; also how it is recognised.
pub const KEY: &str = "\"Organization\"";
const API_CALL: &str = "organizations:ListPoliciesForTarget";

pub fn is_organization(doc: &Json) -> bool {
    doc["Organization"]["Policies"].is_array()
}

pub fn import(doc: &Json, rel: &str) -> (Vec<Resource>, Vec<Diagnostic>) {
    let org = &doc["Organization"];
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let origin = || Origin {
        source: SourceKind::Aws,
        api_call: Some(API_CALL.into()),
        ..Default::default()
    };
    for a in org["Accounts"].as_array().into_iter().flatten() {
        let Some(id) = a["Id"].as_str() else { continue };
        let mut r = Resource::new(
            format!("organizations:account:{id}"),
            "aws_organizations_account",
            origin(),
        );
        r.name = id.to_string();
        r.account = Some(id.to_string());
        r.attributes = json!({"id": id, "path": a["Path"]});
        out.push(r);
    }
    for p in org["Policies"].as_array().into_iter().flatten() {
        let (Some(id), Some(content)) = (p["Id"].as_str(), p["Content"].as_str()) else {
            continue;
        };
        let document = match serde_json::from_str::<Json>(content) {
            Ok(d) => d,
            Err(e) => {
                // An unreadable SCP would silently widen what every principal may do.
                diags.push(Diagnostic::at_line(
                    DiagnosticLevel::Error,
                    rel,
                    1,
                    format!("service control policy {id}: its content is not JSON: {e}"),
                ));
                continue;
            }
        };
        let mut r = Resource::new(
            format!("organizations:policy:{id}"),
            "aws_organizations_policy",
            origin(),
        );
        r.name = p["Name"].as_str().unwrap_or(id).to_string();
        r.attributes = json!({
            "id": id,
            "name": r.name,
            "type": p["Type"].as_str().unwrap_or("SERVICE_CONTROL_POLICY"),
            "content": document,
            "targets": p["Targets"],
        });
        out.push(r);
    }
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_policies_are_read_and_bad_content_reported() {
        let doc = json!({"Organization": {
        "Accounts": [{"Id": "111122223333", "Path": ["r-1", "ou-1"]}],
        "Policies": [
            {"Id": "p-1", "Name": "DenyIam", "Type": "SERVICE_CONTROL_POLICY", "Content": "{\"Statement\": []}", "Targets": ["ou-1"]},
            {"Id": "p-2", "Name": "Broken", "Content": "{", "Targets": ["r-1"]}
        ]}});
        assert!(is_organization(&doc));
        let (rs, diags) = import(&doc, "org.json");
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].attributes["path"], json!(["r-1", "ou-1"]));
        assert_eq!(rs[1].attributes["targets"], json!(["ou-1"]));
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("p-2"));
    }
}
