//! `aws iam get-account-authorization-details` output (users, groups, roles, managed policies
//! with their versions) as model resources, so the least-privilege analysis runs on a live
//! account's IAM offline. Policy documents may be URL-encoded strings (the API) or objects
//! (the CLI); both are read.

use serde_json::{json, Value as Json};
use std::collections::HashMap;

use crate::aws::iam::policy::normalize_document;
use crate::model::{AttributeMeta, Origin, Resource, SourceKind};

const API_CALL: &str = "iam:GetAccountAuthorizationDetails";

/// Whether a JSON document is GetAccountAuthorizationDetails output.
pub fn is_authorization_details(doc: &Json) -> bool {
    [
        "UserDetailList",
        "RoleDetailList",
        "GroupDetailList",
        "Policies",
    ]
    .iter()
    .any(|k| doc.get(k).is_some_and(Json::is_array))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A policy document as given (object, JSON string, or URL-encoded JSON string), normalized.
pub(crate) fn document(v: &Json) -> Json {
    let parsed = match v {
        Json::String(s) => {
            let text = if s.trim_start().starts_with('{') {
                s.clone()
            } else {
                percent_decode(s)
            };
            serde_json::from_str(&text)
                .unwrap_or_else(|e| json!({"invalid": format!("policy is not valid JSON: {e}")}))
        }
        other => other.clone(),
    };
    normalize_document(&parsed)
}

fn account_of(arn: &str) -> Option<String> {
    arn.split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
}

fn tags(v: &Json) -> std::collections::BTreeMap<String, String> {
    v.get("Tags")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t.get("Key")?.as_str()?.to_string(),
                t.get("Value")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Resources from one GetAccountAuthorizationDetails document.
pub fn import(doc: &Json) -> Vec<Resource> {
    // Default versions of customer and AWS managed policies, by ARN.
    let mut managed: HashMap<String, (String, Json)> = HashMap::new();
    let mut out = Vec::new();
    for p in doc
        .get("Policies")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(arn), Some(name)) = (p["Arn"].as_str(), p["PolicyName"].as_str()) else {
            continue;
        };
        let version = p["PolicyVersionList"]
            .as_array()
            .and_then(|v| v.iter().find(|x| x["IsDefaultVersion"] == json!(true)))
            .map(|v| document(&v["Document"]))
            .unwrap_or(Json::Null);
        managed.insert(arn.to_string(), (name.to_string(), version.clone()));
        if arn.starts_with("arn:aws:iam::aws:policy/") {
            continue;
        }
        let mut r = resource(arn, "aws_iam_policy", name);
        for (k, v) in [
            ("name", json!(name)),
            ("path", p["Path"].clone()),
            ("document", version),
            ("attachments", json!([])),
            ("attachment_count", p["AttachmentCount"].clone()),
            (
                "used_as_boundary_only",
                json!(
                    p["AttachmentCount"].as_u64() == Some(0)
                        && p["PermissionsBoundaryUsageCount"].as_u64().unwrap_or(0) > 0
                ),
            ),
        ] {
            r.set_attribute(k, v, AttributeMeta::explicit());
        }
        out.push(r);
    }
    let policies = |entry: &Json, inline_key: &str| -> Json {
        let mut list = Vec::new();
        for p in entry
            .get(inline_key)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            list.push(json!({"name": p["PolicyName"], "kind": "inline", "arn": null, "document": document(&p["PolicyDocument"])}));
        }
        for p in entry
            .get("AttachedManagedPolicies")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let arn = p["PolicyArn"].as_str().unwrap_or_default();
            let mut e = crate::aws::iam::managed_entry(&arn.into());
            e["name"] = p["PolicyName"].clone();
            if let Some((_, d)) = managed.get(arn) {
                e["document"] = d.clone();
            } else if e["kind"] == "managed" {
                e["document"] = crate::model::unknown(&format!(
                    "customer managed policy {arn}, whose document the export does not include"
                ));
            }
            list.push(e);
        }
        Json::Array(list)
    };
    let boundary = |e: &Json| e["PermissionsBoundary"]["PermissionsBoundaryArn"].clone();
    for (list, rtype, name_key, inline_key) in [
        (
            "UserDetailList",
            "aws_iam_user",
            "UserName",
            "UserPolicyList",
        ),
        (
            "GroupDetailList",
            "aws_iam_group",
            "GroupName",
            "GroupPolicyList",
        ),
        (
            "RoleDetailList",
            "aws_iam_role",
            "RoleName",
            "RolePolicyList",
        ),
    ] {
        for e in doc.get(list).and_then(Json::as_array).into_iter().flatten() {
            let (Some(arn), Some(name)) = (e["Arn"].as_str(), e[name_key].as_str()) else {
                continue;
            };
            let mut r = resource(arn, rtype, name);
            r.tags = tags(e);
            r.set_attribute("name", json!(name), AttributeMeta::explicit());
            r.set_attribute("path", e["Path"].clone(), AttributeMeta::explicit());
            r.set_attribute(
                "policies",
                policies(e, inline_key),
                AttributeMeta::explicit(),
            );
            r.set_attribute(
                "permissions_boundary",
                boundary(e),
                AttributeMeta::explicit(),
            );
            if rtype != "aws_iam_group" {
                r.set_attribute(
                    "created",
                    e["CreateDate"].clone(),
                    AttributeMeta::explicit(),
                );
            }
            match rtype {
                "aws_iam_user" => {
                    r.set_attribute("groups", e["GroupList"].clone(), AttributeMeta::explicit());
                }
                "aws_iam_role" => {
                    r.set_attribute(
                        "assume_role_policy",
                        document(&e["AssumeRolePolicyDocument"]),
                        AttributeMeta::explicit(),
                    );
                    if let Some(profiles) = e.get("InstanceProfileList") {
                        let names: Vec<&Json> = profiles
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|p| &p["InstanceProfileName"])
                            .collect();
                        r.set_attribute(
                            "instance_profiles",
                            json!(names),
                            AttributeMeta::explicit(),
                        );
                    }
                    r.set_attribute(
                        "last_used",
                        e["RoleLastUsed"]["LastUsedDate"].clone(),
                        AttributeMeta::explicit(),
                    );
                }
                _ => {}
            }
            out.push(r);
        }
    }
    out
}

fn resource(arn: &str, rtype: &str, name: &str) -> Resource {
    let mut r = Resource::new(
        arn,
        rtype,
        Origin {
            source: SourceKind::Aws,
            span: None,
            address: None,
            root: None,
            arn: Some(arn.to_string()),
            api_call: Some(API_CALL.into()),
            entry: None,
        },
    );
    r.name = name.to_string();
    r.account = account_of(arn);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_documents_are_read() {
        let d = document(&json!("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"));
        assert_eq!(d["Statement"][0]["Action"], json!(["s3:GetObject"]));
    }
}
