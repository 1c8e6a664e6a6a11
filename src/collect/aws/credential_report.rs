//! The IAM credential report (`aws iam get-credential-report`, the CSV in its `Content`, base64
//! decoded) into `aws_iam_user_credentials` resources: one per user, and one for the root user
//! (`<root_account>`), each pointing at its row so findings land on a line.
//!
//! Timestamps are kept as ISO 8601 strings; "N/A", "no_information" and "not_supported" become
//! null. Ages in days are derived at evaluation time (`analyze::ages`).

use crate::model::{Diagnostic, DiagnosticLevel, Origin, Resource, SourceKind, Span};
use serde_json::{json, Value as Json};

/// The header every credential report starts with (AWS has only ever appended columns).
const HEADER_PREFIX: &str = "user,arn,user_creation_time,password_enabled";
const API_CALL: &str = "iam:GetCredentialReport";
pub const RESOURCE_TYPE: &str = "aws_iam_user_credentials";

pub fn is_credential_report(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .starts_with(HEADER_PREFIX)
}

/// Reads a report; rows that cannot be read become diagnostics naming their line, and the rest
/// are kept.
pub fn import(text: &str, rel: &str) -> (Vec<Resource>, Vec<Diagnostic>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return (vec![], vec![diagnostic(rel, 1, &e.to_string())]),
    };
    let mut resources = Vec::new();
    let mut diags = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as u32);
                diags.push(diagnostic(rel, line, &e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as u32);
        let field = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
        };
        let (user, arn) = (field("user"), field("arn"));
        if user.is_empty() || !arn.starts_with("arn:") {
            diags.push(diagnostic(rel, line, "a row without a user name and ARN"));
            continue;
        }
        let root = user == "<root_account>";
        let access_keys: Vec<Json> = (1..=2)
            .map(|n| {
                json!({
                    "number": n,
                    "active": flag(field(&format!("access_key_{n}_active"))),
                    "last_rotated": timestamp(field(&format!("access_key_{n}_last_rotated"))),
                    "last_used": timestamp(field(&format!("access_key_{n}_last_used_date"))),
                })
            })
            .collect();
        let mut r = Resource::new(
            format!("credentials:{arn}"),
            RESOURCE_TYPE,
            Origin {
                source: SourceKind::Aws,
                span: Some(Span {
                    file: rel.to_string(),
                    start_line: line,
                    end_line: line,
                }),
                address: None,
                root: None,
                arn: Some(arn.to_string()),
                api_call: Some(API_CALL.into()),
                entry: None,
            },
        );
        r.name = user.to_string();
        r.account = arn.split(':').nth(4).map(str::to_string);
        r.attributes = json!({
            "user": user,
            "arn": arn,
            "root": root,
            "created": timestamp(field("user_creation_time")),
            // The root row says "not_supported": whether root has a password is not reported.
            "password_enabled": flag(field("password_enabled")),
            "password_last_used": timestamp(field("password_last_used")),
            "password_last_changed": timestamp(field("password_last_changed")),
            "mfa_active": flag(field("mfa_active")),
            "access_keys": access_keys,
        });
        resources.push(r);
    }
    (resources, diags)
}

fn diagnostic(rel: &str, line: u32, message: &str) -> Diagnostic {
    Diagnostic::at_line(
        DiagnosticLevel::Error,
        rel,
        line,
        format!("credential report: {message}"),
    )
}

fn flag(v: &str) -> Json {
    match v {
        "true" => json!(true),
        "false" => json!(false),
        _ => Json::Null,
    }
}

fn timestamp(v: &str) -> Json {
    match v {
        "" | "N/A" | "no_information" | "not_supported" => Json::Null,
        t => json!(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-20T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
\"ops,admin\",arn:aws:iam::111122223333:user/ops-admin,2025-01-01T00:00:00+00:00,true,no_information,2025-01-01T00:00:00+00:00,N/A,false,true,2025-02-01T00:00:00+00:00,2026-11-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
broken
";

    #[test]
    fn rows_become_credentials_with_their_lines_and_bad_rows_are_reported() {
        assert!(is_credential_report(REPORT));
        let (rs, diags) = import(REPORT, "report.csv");
        assert_eq!(rs.len(), 2);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].span.as_ref().unwrap().start_line, 4);
        let root = &rs[0];
        assert_eq!(root.attributes["root"], true);
        assert_eq!(root.attributes["password_enabled"], Json::Null);
        let user = &rs[1];
        assert_eq!(user.name, "ops,admin");
        assert_eq!(user.origin.span.as_ref().unwrap().start_line, 3);
        assert_eq!(user.attributes["password_last_used"], Json::Null);
        assert_eq!(user.attributes["access_keys"][0]["active"], true);
    }
}
