//! IAM principals with their policies folded in: inline policies, managed policy attachments
//! (documents resolved from `aws_iam_policy` in the same configuration, or from the few AWS
//! managed policies whose content matters to the rules), group memberships, login profiles and
//! access keys.

use serde_json::{json, Value as Json};

use super::{blocks, folded_meta, normalize_policy, raw, span_for, Adapter, Builder};
use crate::model::{AttributeMeta, Provenance, Resource};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

/// AWS managed policies whose documents the first rule pack needs. The full action catalog and
/// managed policy set come with the least-privilege analysis.
pub fn aws_managed_document(arn: &str) -> Option<Json> {
    let name = arn.strip_prefix("arn:aws:iam::aws:policy/")?;
    let name = name.rsplit('/').next().unwrap_or(name);
    Some(match name {
        "AdministratorAccess" => {
            json!({"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]})
        }
        "PowerUserAccess" => json!({"Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": ["*"]},
            {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions", "account:GetAccountInformation"], "Resource": ["*"]}
        ]}),
        "IAMFullAccess" => {
            json!({"Statement": [{"Effect": "Allow", "Action": ["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy", "organizations:ListChildren", "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListTargetsForPolicy"], "Resource": ["*"]}]})
        }
        "AmazonS3FullAccess" => {
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": ["*"]}]})
        }
        "AmazonDynamoDBFullAccess" => {
            json!({"Statement": [{"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": ["*"]}]})
        }
        "AmazonRDSFullAccess" => {
            json!({"Statement": [{"Effect": "Allow", "Action": ["rds:*"], "Resource": ["*"]}]})
        }
        _ => return None,
    })
}

fn base<'r>(ri: &'r RawInstance, source: &str, rtype: &str) -> Builder<'r> {
    let mut b = Builder::new(ri, source, rtype);
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("path", "path", json!("/"))
        .attr("permissions_boundary", "permissions_boundary", Json::Null);
    b.default("policies", json!([]));
    let mut policies = Vec::new();
    for (i, p) in blocks(&ri.values, "inline_policy").into_iter().enumerate() {
        policies.push((
            json!({
                "name": raw(p, "name").map(Val::to_json).unwrap_or(Json::Null),
                "kind": "inline",
                "arn": null,
                "document": raw(p, "policy").map(normalize_policy).unwrap_or(Json::Null),
            }),
            format!("inline_policy.{i}"),
        ));
    }
    if let Some(arns) = b.raw("managed_policy_arns").and_then(Val::as_list) {
        for a in arns {
            policies.push((managed_entry(a), "managed_policy_arns".to_string()));
        }
    }
    for (entry, raw_path) in policies {
        let meta = AttributeMeta {
            provenance: Provenance::Explicit,
            span: span_for(ri, &raw_path),
            from: None,
        };
        push_policy(&mut b.res, entry, meta);
    }
    b
}

fn managed_entry(arn: &Val) -> Json {
    let doc = arn.as_str().and_then(aws_managed_document);
    json!({
        "name": arn.as_str().and_then(|a| a.rsplit('/').next()).map(Json::from).unwrap_or(Json::Null),
        "kind": if arn.as_str().is_some_and(|a| a.starts_with("arn:aws:iam::aws:policy/")) { "aws_managed" } else { "managed" },
        "arn": arn.to_json(),
        "document": doc.unwrap_or(Json::Null),
    })
}

fn push_policy(res: &mut Resource, entry: Json, meta: AttributeMeta) {
    let list = res.attributes["policies"]
        .as_array_mut()
        .expect("policies list");
    list.push(entry);
    let path = format!("policies.{}", list.len() - 1);
    res.attribute_meta.insert(path, meta);
}

pub fn role(ri: &RawInstance, source: &str) -> Resource {
    let mut b = base(ri, source, "aws_iam_role");
    b.attr_map(
        "assume_role_policy",
        "assume_role_policy",
        Json::Null,
        normalize_policy,
    )
    .attr("max_session_duration", "max_session_duration", json!(3600));
    b.finish()
}

pub fn user(ri: &RawInstance, source: &str) -> Resource {
    let mut b = base(ri, source, "aws_iam_user");
    b.default("groups", json!([]));
    b.default("console_access", json!(false));
    b.default("access_keys", json!([]));
    b.finish()
}

pub fn group(ri: &RawInstance, source: &str) -> Resource {
    let mut b = base(ri, source, "aws_iam_group");
    b.default("members", json!([]));
    b.finish()
}

pub fn managed_policy(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_iam_policy");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("path", "path", json!("/"));
    b.attr_map("policy", "document", Json::Null, normalize_policy);
    b.default("attachments", json!([]));
    b.finish()
}

pub fn password_policy(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_iam_account_password_policy");
    b.res.name = "account password policy".into();
    b.attr(
        "minimum_password_length",
        "minimum_password_length",
        json!(8),
    )
    .attr(
        "password_reuse_prevention",
        "password_reuse_prevention",
        Json::Null,
    )
    .attr("require_symbols", "require_symbols", json!(false))
    .attr("require_numbers", "require_numbers", json!(false))
    .attr(
        "require_uppercase_characters",
        "require_uppercase_characters",
        json!(false),
    )
    .attr(
        "require_lowercase_characters",
        "require_lowercase_characters",
        json!(false),
    )
    .attr("max_password_age", "max_password_age", Json::Null);
    b.finish()
}

const PRINCIPALS: [&str; 3] = ["aws_iam_role", "aws_iam_user", "aws_iam_group"];

fn principal_type(rtype: &str) -> Option<(&'static str, &'static str)> {
    Some(match rtype {
        "aws_iam_role_policy" | "aws_iam_role_policy_attachment" => ("aws_iam_role", "role"),
        "aws_iam_user_policy" | "aws_iam_user_policy_attachment" => ("aws_iam_user", "user"),
        "aws_iam_group_policy" | "aws_iam_group_policy_attachment" => ("aws_iam_group", "group"),
        _ => return None,
    })
}

pub fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    let v = &ri.values;
    let rtype = ri.rtype.as_str();
    if let Some((ptype, arg)) = principal_type(rtype) {
        let Some(t) = raw(v, arg).and_then(|x| a.find(x, &[ptype], &["name"])) else {
            return false;
        };
        let entry = if rtype.ends_with("_attachment") {
            managed_entry(raw(v, "policy_arn").unwrap_or(&Val::Null))
        } else {
            json!({
                "name": raw(v, "name").map(Val::to_json).unwrap_or(Json::Null),
                "kind": "inline",
                "arn": null,
                "document": raw(v, "policy").map(normalize_policy).unwrap_or(Json::Null),
            })
        };
        let meta = folded_meta(ri, "", &entry);
        push_policy(a.get_mut(t), entry, meta);
        return true;
    }
    match rtype {
        "aws_iam_policy_attachment" => {
            let arn = raw(v, "policy_arn").cloned().unwrap_or(Val::Null);
            let mut any = false;
            for (arg, ptype) in [
                ("roles", "aws_iam_role"),
                ("users", "aws_iam_user"),
                ("groups", "aws_iam_group"),
            ] {
                for p in raw(v, arg).and_then(Val::as_list).unwrap_or(&[]) {
                    if let Some(t) = a.find(p, &[ptype], &["name"]) {
                        let entry = managed_entry(&arn);
                        let meta = folded_meta(ri, arg, &entry);
                        push_policy(a.get_mut(t), entry, meta);
                        any = true;
                    }
                }
            }
            any
        }
        "aws_iam_user_group_membership" => {
            let Some(u) = raw(v, "user").and_then(|x| a.find(x, &["aws_iam_user"], &["name"]))
            else {
                return false;
            };
            for g in raw(v, "groups").and_then(Val::as_list).unwrap_or(&[]) {
                let name = a
                    .find(g, &["aws_iam_group"], &["name"])
                    .map(|i| json!(a.resource(i).uid))
                    .unwrap_or_else(|| g.to_json());
                if let Some(arr) = a.get_mut(u).attributes["groups"].as_array_mut() {
                    arr.push(name);
                }
            }
            true
        }
        "aws_iam_group_membership" => {
            let Some(g) = raw(v, "group").and_then(|x| a.find(x, &["aws_iam_group"], &["name"]))
            else {
                return false;
            };
            let group_uid = a.resource(g).uid.clone();
            for u in raw(v, "users").and_then(Val::as_list).unwrap_or(&[]) {
                if let Some(ui) = a.find(u, &["aws_iam_user"], &["name"]) {
                    if let Some(arr) = a.get_mut(ui).attributes["groups"].as_array_mut() {
                        arr.push(json!(group_uid));
                    }
                }
            }
            true
        }
        "aws_iam_user_login_profile" => {
            let Some(u) = raw(v, "user").and_then(|x| a.find(x, &["aws_iam_user"], &["name"]))
            else {
                return false;
            };
            let meta = folded_meta(ri, "", &json!(true));
            a.get_mut(u)
                .set_attribute("console_access", json!(true), meta);
            true
        }
        "aws_iam_access_key" => {
            let Some(u) = raw(v, "user").and_then(|x| a.find(x, &["aws_iam_user"], &["name"]))
            else {
                return false;
            };
            let key = json!({
                "status": raw(v, "status").map(Val::to_json).unwrap_or(json!("Active")),
                "address": ri.address,
            });
            if let Some(arr) = a.get_mut(u).attributes["access_keys"].as_array_mut() {
                arr.push(key);
            }
            true
        }
        _ => false,
    }
}

/// Resolves managed policy attachments to the `aws_iam_policy` documents they name, and
/// records on each policy where it is attached.
pub fn derive(a: &mut Adapter) {
    let n = a.resources.len();
    for i in 0..n {
        if !PRINCIPALS.contains(&a.resources[i].resource_type.as_str()) {
            continue;
        }
        let count = a.resources[i].attributes["policies"]
            .as_array()
            .map_or(0, Vec::len);
        for p in 0..count {
            let entry = a.resources[i].attributes["policies"][p].clone();
            if entry["kind"] != json!("managed") {
                continue;
            }
            let arn = Val::from_json(&entry["arn"]);
            let by_name = match &arn {
                Val::Str(s) => s.rsplit('/').next().map(|n| Val::Str(n.to_string())),
                _ => None,
            };
            let found = a
                .find(&arn, &["aws_iam_policy"], &["arn"])
                .or_else(|| by_name.and_then(|n| a.find(&n, &["aws_iam_policy"], &["name"])));
            if let Some(pi) = found {
                let doc = a.resources[pi]
                    .attribute("document")
                    .cloned()
                    .unwrap_or(Json::Null);
                let name = a.resources[pi].name.clone();
                let principal_uid = a.resources[i].uid.clone();
                let policy_uid = a.resources[pi].uid.clone();
                let e = &mut a.resources[i].attributes["policies"][p];
                e["document"] = doc;
                e["name"] = json!(name);
                e["policy_uid"] = json!(policy_uid);
                if let Some(arr) = a.resources[pi].attributes["attachments"].as_array_mut() {
                    arr.push(json!(principal_uid));
                }
            }
        }
    }
}
