//! S3 buckets and the split resources that configure them.

use serde_json::{json, Value as Json};

use super::{blocks, folded_meta, json_at, normalize_policy, raw, Adapter, Builder};
use crate::model::Resource;
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

/// Since April 2023 every new bucket blocks public access, disables ACLs and encrypts with SSE-S3.
fn defaults() -> [(&'static str, Json); 6] {
    [
        (
            "server_side_encryption",
            json!({"sse_algorithm": "AES256", "kms_master_key_id": null, "bucket_key_enabled": false}),
        ),
        (
            "public_access_block",
            json!({"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}),
        ),
        (
            "versioning",
            json!({"status": "Disabled", "mfa_delete": false}),
        ),
        (
            "logging",
            json!({"enabled": false, "target_bucket": null, "target_prefix": null}),
        ),
        (
            "ownership_controls",
            json!({"object_ownership": "BucketOwnerEnforced"}),
        ),
        ("acl", json!({"canned": "private", "grants": []})),
    ]
}

pub fn bucket(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_s3_bucket");
    b.name_from("bucket").attr("bucket", "bucket", Json::Null);
    for (path, default) in defaults() {
        b.default(path, default);
    }
    b.default("policy", Json::Null);
    b.default("lifecycle_rules", json!([]));
    b.default("object_lock", json!({"enabled": false}));

    // Legacy inline configuration (provider v3 style), still common.
    if let Some(rule) = b.raw("server_side_encryption_configuration.0.rule.0") {
        let by_default = raw(rule, "apply_server_side_encryption_by_default.0");
        let sse = json!({
            "sse_algorithm": by_default.and_then(|d| raw(d, "sse_algorithm")).map(Val::to_json).unwrap_or(json!("AES256")),
            "kms_master_key_id": by_default.and_then(|d| raw(d, "kms_master_key_id")).map(Val::to_json).unwrap_or(Json::Null),
            "bucket_key_enabled": raw(rule, "bucket_key_enabled").map(Val::to_json).unwrap_or(json!(false)),
        });
        b.set(
            "server_side_encryption",
            sse,
            "server_side_encryption_configuration",
        );
    }
    if let Some(v) = b.raw("versioning.0") {
        let status = match raw(v, "enabled").and_then(Val::as_bool) {
            Some(true) => "Enabled",
            _ => "Disabled",
        };
        let mfa = raw(v, "mfa_delete").and_then(Val::as_bool).unwrap_or(false);
        b.set(
            "versioning",
            json!({"status": status, "mfa_delete": mfa}),
            "versioning",
        );
    }
    if let Some(l) = b.raw("logging.0") {
        let target = raw(l, "target_bucket")
            .map(Val::to_json)
            .unwrap_or(Json::Null);
        let prefix = raw(l, "target_prefix")
            .map(Val::to_json)
            .unwrap_or(Json::Null);
        b.set(
            "logging",
            json!({"enabled": true, "target_bucket": target, "target_prefix": prefix}),
            "logging",
        );
    }
    if let Some(p) = b.raw("policy") {
        b.set("policy", normalize_policy(p), "policy");
    }
    if let Some(acl) = b.raw("acl") {
        b.set("acl", json!({"canned": acl.to_json(), "grants": []}), "acl");
    }
    let grants: Vec<Json> = blocks(&ri.values, "grant")
        .into_iter()
        .flat_map(inline_grant)
        .collect();
    if !grants.is_empty() {
        b.set("acl", json!({"canned": null, "grants": grants}), "grant");
    }
    let rules: Vec<Json> = blocks(&ri.values, "lifecycle_rule")
        .into_iter()
        .map(legacy_lifecycle)
        .collect();
    if !rules.is_empty() {
        b.set("lifecycle_rules", Json::Array(rules), "lifecycle_rule");
    }
    if let Some(v) = b
        .raw("object_lock_enabled")
        .or_else(|| b.raw("object_lock_configuration.0.object_lock_enabled"))
    {
        let enabled = v
            .as_bool()
            .or_else(|| v.as_str().map(|s| s == "Enabled"))
            .unwrap_or(false);
        b.set(
            "object_lock",
            json!({"enabled": enabled}),
            "object_lock_enabled",
        );
    }
    b.finish()
}

/// Account-level Block Public Access: each setting is false unless set.
pub fn account_public_access_block(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_s3_account_public_access_block");
    b.res.name = "account public access block".into();
    for k in [
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ] {
        b.attr(k, k, json!(false));
    }
    b.finish()
}

fn inline_grant(g: &Val) -> Vec<Json> {
    let perms = raw(g, "permissions").and_then(Val::as_list).unwrap_or(&[]);
    perms
        .iter()
        .map(|p| {
            json!({
                "grantee_type": raw(g, "type").map(Val::to_json).unwrap_or(Json::Null),
                "grantee_uri": raw(g, "uri").map(Val::to_json).unwrap_or(Json::Null),
                "grantee_id": raw(g, "id").map(Val::to_json).unwrap_or(Json::Null),
                "permission": p.to_json(),
            })
        })
        .collect()
}

fn legacy_lifecycle(r: &Val) -> Json {
    json!({
        "id": raw(r, "id").map(Val::to_json).unwrap_or(Json::Null),
        "enabled": raw(r, "enabled").and_then(Val::as_bool).unwrap_or(true),
        "expiration_days": raw(r, "expiration.0.days").map(Val::to_json).unwrap_or(Json::Null),
        "noncurrent_expiration_days": raw(r, "noncurrent_version_expiration.0.days").map(Val::to_json).unwrap_or(Json::Null),
    })
}

fn lifecycle(r: &Val) -> Json {
    json!({
        "id": raw(r, "id").map(Val::to_json).unwrap_or(Json::Null),
        "enabled": raw(r, "status").and_then(Val::as_str).map(|s| s == "Enabled").unwrap_or(true),
        "expiration_days": raw(r, "expiration.0.days").map(Val::to_json).unwrap_or(Json::Null),
        "noncurrent_expiration_days": raw(r, "noncurrent_version_expiration.0.noncurrent_days").map(Val::to_json).unwrap_or(Json::Null),
    })
}

/// Folds `aws_s3_bucket_*` into the bucket named by its `bucket` argument.
pub fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    let v = &ri.values;
    let (path, value, raw_path): (&str, Json, &str) = match ri.rtype.as_str() {
        "aws_s3_bucket_server_side_encryption_configuration" => {
            let rule = raw(v, "rule.0");
            let d = rule.and_then(|r| raw(r, "apply_server_side_encryption_by_default.0"));
            (
                "server_side_encryption",
                json!({
                    "sse_algorithm": d.and_then(|d| raw(d, "sse_algorithm")).map(Val::to_json).unwrap_or(json!("AES256")),
                    "kms_master_key_id": d.and_then(|d| raw(d, "kms_master_key_id")).map(Val::to_json).unwrap_or(Json::Null),
                    "bucket_key_enabled": rule.and_then(|r| raw(r, "bucket_key_enabled")).map(Val::to_json).unwrap_or(json!(false)),
                }),
                "rule",
            )
        }
        "aws_s3_bucket_public_access_block" => {
            // Each setting defaults to false once this resource exists.
            let flag = |k: &str| raw(v, k).map(Val::to_json).unwrap_or(json!(false));
            (
                "public_access_block",
                json!({
                    "block_public_acls": flag("block_public_acls"),
                    "block_public_policy": flag("block_public_policy"),
                    "ignore_public_acls": flag("ignore_public_acls"),
                    "restrict_public_buckets": flag("restrict_public_buckets"),
                }),
                "",
            )
        }
        "aws_s3_bucket_versioning" => (
            "versioning",
            json!({
                "status": json_at(ri, "versioning_configuration.0.status"),
                "mfa_delete": raw(v, "versioning_configuration.0.mfa_delete").and_then(Val::as_str).map(|s| s == "Enabled").unwrap_or(false),
            }),
            "versioning_configuration",
        ),
        "aws_s3_bucket_logging" => (
            "logging",
            json!({"enabled": true, "target_bucket": json_at(ri, "target_bucket"), "target_prefix": json_at(ri, "target_prefix")}),
            "target_bucket",
        ),
        "aws_s3_bucket_policy" => (
            "policy",
            raw(v, "policy").map(normalize_policy).unwrap_or(Json::Null),
            "policy",
        ),
        "aws_s3_bucket_acl" => {
            let grants: Vec<Json> = blocks(v, "access_control_policy.0.grant")
                .into_iter()
                .map(|g| {
                    json!({
                        "grantee_type": raw(g, "grantee.0.type").map(Val::to_json).unwrap_or(Json::Null),
                        "grantee_uri": raw(g, "grantee.0.uri").map(Val::to_json).unwrap_or(Json::Null),
                        "grantee_id": raw(g, "grantee.0.id").map(Val::to_json).unwrap_or(Json::Null),
                        "permission": raw(g, "permission").map(Val::to_json).unwrap_or(Json::Null),
                    })
                })
                .collect();
            (
                "acl",
                json!({"canned": json_at(ri, "acl"), "grants": grants}),
                "",
            )
        }
        "aws_s3_bucket_ownership_controls" => (
            "ownership_controls",
            json!({"object_ownership": json_at(ri, "rule.0.object_ownership")}),
            "rule",
        ),
        "aws_s3_bucket_lifecycle_configuration" => (
            "lifecycle_rules",
            Json::Array(blocks(v, "rule").into_iter().map(lifecycle).collect()),
            "rule",
        ),
        "aws_s3_bucket_object_lock_configuration" => ("object_lock", json!({"enabled": true}), ""),
        _ => return false,
    };
    let Some(target) = a.target(ri, "bucket", &["aws_s3_bucket"], &["bucket"]) else {
        return false;
    };
    let meta = folded_meta(ri, raw_path, &value);
    a.get_mut(target).set_attribute(path, value, meta);
    true
}
