//! IAM from Terraform: principals with their policies (inline, attached and split resources
//! folded in), managed policies and the password policy.

use serde_json::{json, Value as Json};

use super::managed_entry;
use crate::aws::iam::policy::normalize_policy;
use crate::model::{AttributeMeta, Provenance, Resource, SourceKind};
use crate::terraform::adapter::{
    blocks, folded_meta, push_folded, push_with_meta, raw, span_for, Adapter, Builder,
};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

fn base<'r>(ri: &'r RawInstance, source: SourceKind, rtype: &str) -> Builder<'r> {
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
    if let Some(Val::Unknown(r)) = b.raw("inline_policy").map(Val::plain) {
        policies.push((unknown_policies("inline", r), "inline_policy".to_string()));
    }
    match b.raw("managed_policy_arns").map(Val::plain) {
        Some(Val::List(arns)) => {
            for a in arns {
                policies.push((managed_entry(&a.known()), "managed_policy_arns".to_string()));
            }
        }
        Some(Val::Unknown(r)) => policies.push((
            unknown_policies("managed", r),
            "managed_policy_arns".to_string(),
        )),
        _ => {}
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

/// Policies of a principal that are known only after apply (`managed_policy_arns = var.x`), as
/// one entry whose document is unknown: whatever they grant cannot be judged.
fn unknown_policies(kind: &str, reference: &str) -> Json {
    json!({"name": reference, "kind": kind, "arn": null, "document": crate::model::unknown(reference)})
}

/// A policy of a principal, where it is written.
fn push_policy(res: &mut Resource, entry: Json, meta: AttributeMeta) {
    push_with_meta(res, "policies", entry, meta);
}

pub fn role(ri: &RawInstance, source: SourceKind) -> Resource {
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

pub fn user(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = base(ri, source, "aws_iam_user");
    b.default("groups", json!([]));
    b.default("console_access", json!(false));
    b.default("access_keys", json!([]));
    b.finish()
}

pub fn group(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = base(ri, source, "aws_iam_group");
    b.default("members", json!([]));
    b.finish()
}

pub fn managed_policy(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_iam_policy");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("path", "path", json!("/"));
    b.attr_map("policy", "document", Json::Null, normalize_policy);
    b.default("attachments", json!([]));
    b.finish()
}

pub fn password_policy(ri: &RawInstance, source: SourceKind) -> Resource {
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

/// The principal that `path` of `ri` names: the one declared in this configuration, or else a
/// principal standing for one declared elsewhere (or whose name is known only after apply),
/// so that what is attached to it is still judged.
fn principal(a: &mut Adapter, ri: &RawInstance, path: &str, ptype: &str) -> Option<usize> {
    if let Some(t) = a.target(ri, path, &[ptype], &["name"]) {
        return Some(t);
    }
    let named = raw(&ri.values, path)?;
    Some(external_principal(a, ri, ptype, named))
}

/// A principal named by an attachment but declared elsewhere, or named by a value known only
/// after apply: one per type and name, carrying what this configuration attaches to it.
/// `external` tells rules that its own settings (a role's trust policy) are not in the input.
fn external_principal(a: &mut Adapter, ri: &RawInstance, ptype: &str, named: &Val) -> usize {
    let name = match named {
        Val::Unknown(r) => r.clone(),
        other => other
            .as_label()
            .unwrap_or_else(|| other.to_json().to_string()),
    };
    let uid = crate::terraform::eval::uid_in_root(&ri.root, &format!("{ptype}[{name:?}]"));
    if let Some(&i) = a.index.get(&uid) {
        return i;
    }
    let mut r = Resource::new(
        uid,
        ptype,
        crate::model::Origin {
            source: a.source,
            span: Some(ri.span.clone()),
            root: Some(ri.root.clone()),
            ..Default::default()
        },
    );
    r.name = name.clone();
    let meta = AttributeMeta {
        provenance: if named.is_unknown() {
            Provenance::Unknown
        } else {
            Provenance::Explicit
        },
        span: Some(ri.span.clone()),
        from: Some(ri.address.clone()),
    };
    r.set_attribute("name", named.to_json(), meta);
    r.set_attribute("external", json!(true), AttributeMeta::explicit());
    r.set_attribute("path", json!("/"), AttributeMeta::aws_default());
    r.set_attribute("policies", json!([]), AttributeMeta::explicit());
    r.set_attribute(
        "permissions_boundary",
        Json::Null,
        AttributeMeta::aws_default(),
    );
    match ptype {
        "aws_iam_role" => r.set_attribute(
            "assume_role_policy",
            crate::model::unknown(&format!(
                "the trust policy of role {name}, which this configuration does not declare"
            )),
            AttributeMeta {
                provenance: Provenance::Unknown,
                span: None,
                from: None,
            },
        ),
        "aws_iam_user" => {
            r.set_attribute("groups", json!([]), AttributeMeta::explicit());
            r.set_attribute("console_access", json!(false), AttributeMeta::aws_default());
            r.set_attribute("access_keys", json!([]), AttributeMeta::explicit());
        }
        _ => r.set_attribute("members", json!([]), AttributeMeta::explicit()),
    }
    a.push(r);
    a.resources.len() - 1
}

pub fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    let v = &ri.values;
    let rtype = ri.rtype.as_str();
    if let Some((ptype, arg)) = principal_type(rtype) {
        let Some(t) = principal(a, ri, arg, ptype) else {
            return false;
        };
        let entry = if rtype.ends_with("_attachment") {
            managed_entry(&raw(v, "policy_arn").unwrap_or(&Val::Null).known())
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
                let n = raw(v, arg).and_then(Val::as_list).map_or(0, <[Val]>::len);
                for i in 0..n {
                    if let Some(t) = principal(a, ri, &format!("{arg}.{i}"), ptype) {
                        let entry = managed_entry(&arn.known());
                        let meta = folded_meta(ri, arg, &entry);
                        push_policy(a.get_mut(t), entry, meta);
                        any = true;
                    }
                }
            }
            any
        }
        "aws_iam_user_group_membership" => {
            let Some(u) = principal(a, ri, "user", "aws_iam_user") else {
                return false;
            };
            for (i, g) in raw(v, "groups")
                .and_then(Val::as_list)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                let group = a.target(ri, &format!("groups.{i}"), &["aws_iam_group"], &["name"]);
                let name = group
                    .map(|i| json!(a.resource(i).uid))
                    .unwrap_or_else(|| g.to_json());
                push_folded(a.get_mut(u), "groups", name, ri);
                if let Some(gi) = group {
                    let user_uid = json!(a.resource(u).uid);
                    push_folded(a.get_mut(gi), "members", user_uid, ri);
                }
            }
            true
        }
        "aws_iam_group_membership" => {
            let Some(g) = principal(a, ri, "group", "aws_iam_group") else {
                return false;
            };
            let group_uid = a.resource(g).uid.clone();
            let n = raw(v, "users")
                .and_then(Val::as_list)
                .map_or(0, <[Val]>::len);
            for i in 0..n {
                if let Some(ui) = principal(a, ri, &format!("users.{i}"), "aws_iam_user") {
                    push_folded(a.get_mut(ui), "groups", json!(group_uid), ri);
                    let user_uid = json!(a.resource(ui).uid);
                    push_folded(a.get_mut(g), "members", user_uid, ri);
                }
            }
            true
        }
        "aws_iam_user_login_profile" => {
            let Some(u) = principal(a, ri, "user", "aws_iam_user") else {
                return false;
            };
            let meta = folded_meta(ri, "", &json!(true));
            a.get_mut(u)
                .set_attribute("console_access", json!(true), meta);
            true
        }
        "aws_iam_access_key" => {
            let Some(u) = principal(a, ri, "user", "aws_iam_user") else {
                return false;
            };
            let key = json!({
                "status": raw(v, "status").map(Val::to_json).unwrap_or(json!("Active")),
                "address": ri.address,
            });
            push_folded(a.get_mut(u), "access_keys", key, ri);
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
            // `arn:aws:iam::${…account_id}:policy/x` still names the policy `x`.
            let by_name = crate::model::text_of(&entry["arn"])
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty() && !n.contains("${"))
                .map(|n| Val::Str(n.to_string()));
            let found = a
                .find(&arn, &["aws_iam_policy"], &["arn"])
                .or_else(|| by_name.and_then(|n| a.find(&n, &["aws_iam_policy"], &["name"])));
            let Some(pi) = found else {
                // Declared elsewhere: what it grants is not in the input.
                a.resources[i].attributes["policies"][p]["document"] =
                    crate::model::unknown(&format!(
                        "customer managed policy {}, which this configuration does not declare",
                        crate::model::text_of(&entry["arn"])
                    ));
                continue;
            };
            {
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

/// A resource that carries a resource policy (a queue, a topic, a repository, a secret, a
/// domain, a function): everything as configured, named by `name_path`, its policy document
/// (written at `policy_path`) read into `policy`.
pub(crate) fn with_resource_policy(
    ri: &RawInstance,
    source: SourceKind,
    rtype: &str,
    name_path: &str,
    policy_path: &str,
) -> Resource {
    let mut b = Builder::new(ri, source, rtype);
    b.name_from(name_path);
    b.copy_all();
    b.attr_map(policy_path, "policy", Json::Null, normalize_policy);
    b.finish()
}

/// A resource policy written as a resource of its own (`aws_kms_key_policy`,
/// `aws_sqs_queue_policy`, …), its document at `policy_path`: folded into `target`, the resource
/// it governs, as that resource's `policy`. One whose resource is not in this root (a queue
/// another configuration manages) stays a resource of its own with its document read, so the
/// rules judge it where it is written instead of not at all.
pub(crate) fn fold_resource_policy(
    a: &mut Adapter,
    ri: &RawInstance,
    target: Option<usize>,
    policy_path: &str,
) -> bool {
    match target {
        Some(t) => {
            let doc = raw(&ri.values, policy_path)
                .map(normalize_policy)
                .unwrap_or(Json::Null);
            let meta = folded_meta(ri, policy_path, &doc);
            a.get_mut(t).set_attribute("policy", doc, meta);
        }
        None => {
            let r = with_resource_policy(ri, a.source, &ri.rtype, "", policy_path);
            a.push(r);
        }
    }
    true
}
