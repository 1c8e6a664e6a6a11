//! Service-last-accessed reports: which services a principal's policies grant, and when it last
//! used each (`iam:GetServiceLastAccessedDetails`). The API answers per job, not per principal, so
//! rampart reads a file that keys the responses by principal ARN, as
//! `scripts/record-service-last-accessed` writes it:
//!
//! ```json
//! {"ServiceLastAccessed": {"arn:aws:iam::111122223333:role/app": {"JobStatus": "COMPLETED", "ServicesLastAccessed": [...]}}}
//! ```
//!
//! Each response becomes the `services_last_accessed` attribute of the principal read from another
//! source (the authorization details); a response for a principal rampart does not know, or a job
//! that did not complete, is a diagnostic rather than silently dropped.

use crate::model::{AttributeMeta, Diagnostic, DiagnosticLevel, Resource};
use serde_json::{json, Value as Json};

/// The top-level key of the file; also how it is recognised.
pub const KEY: &str = "\"ServiceLastAccessed\"";

pub fn apply(doc: &Json, rel: &str, resources: &mut [Resource]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let warn = |message: String| Diagnostic::at_line(DiagnosticLevel::Warning, rel, 1, message);
    let Some(reports) = doc["ServiceLastAccessed"].as_object() else {
        return vec![warn(
            "ServiceLastAccessed is not an object keyed by principal ARN".into(),
        )];
    };
    for (arn, report) in reports {
        let Some(r) = resources.iter_mut().find(|r| {
            matches!(r.resource_type.as_str(), "aws_iam_role" | "aws_iam_user")
                && r.origin.arn.as_deref() == Some(arn.as_str())
        }) else {
            diags.push(warn(format!(
                "service last accessed for {arn}: no such role or user in the scanned IAM data"
            )));
            continue;
        };
        let status = report["JobStatus"].as_str().unwrap_or("");
        if status != "COMPLETED" {
            diags.push(warn(format!(
                "service last accessed for {arn}: job status {status:?}, not judged"
            )));
            continue;
        }
        if report["IsTruncated"] == true {
            diags.push(warn(format!(
                "service last accessed for {arn}: the response is truncated; only the services listed are judged"
            )));
        }
        let services: Vec<Json> = report["ServicesLastAccessed"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some(json!({
                    "service": s["ServiceNamespace"].as_str()?,
                    "name": s["ServiceName"],
                    "last_accessed": s.get("LastAuthenticated").cloned().unwrap_or(Json::Null),
                }))
            })
            .collect();
        r.set_attribute(
            "services_last_accessed",
            Json::Array(services),
            AttributeMeta::explicit(),
        );
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn role(arn: &str) -> Resource {
        Resource::new(
            arn,
            "aws_iam_role",
            Origin {
                arn: Some(arn.into()),
                ..Default::default()
            },
        )
    }

    #[test]
    fn reports_attach_to_known_principals_and_the_rest_is_reported() {
        let mut rs = [role("arn:aws:iam::1:role/app")];
        let doc = json!({"ServiceLastAccessed": {
            "arn:aws:iam::1:role/app": {"JobStatus": "COMPLETED", "IsTruncated": false, "ServicesLastAccessed": [
                {"ServiceName": "Amazon S3", "ServiceNamespace": "s3", "LastAuthenticated": "2026-10-01T00:00:00Z", "TotalAuthenticatedEntities": 1},
                {"ServiceName": "AWS Identity and Access Management", "ServiceNamespace": "iam", "TotalAuthenticatedEntities": 0}
            ]},
            "arn:aws:iam::1:role/gone": {"JobStatus": "COMPLETED", "ServicesLastAccessed": []},
        }});
        let diags = apply(&doc, "sla.json", &mut rs);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("role/gone"));
        let s = &rs[0].attributes["services_last_accessed"];
        assert_eq!(s[0]["service"], "s3");
        assert_eq!(s[1]["last_accessed"], Json::Null);
    }
}
