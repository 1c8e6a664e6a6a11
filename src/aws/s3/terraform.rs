//! S3 from Terraform: `aws_s3_bucket` (with the provider v3 inline blocks, still common), the
//! split `aws_s3_bucket_*` resources folded into the bucket they configure, and the account's
//! `aws_s3_account_public_access_block`.

use serde_json::{json, Value as Json};

use super::{
    Acl, Grant, LifecycleRule, Logging, ObjectLock, OwnershipControls, PublicAccessBlock,
    ServerSideEncryption, Versioning,
};
use crate::aws::iam::policy::normalize_policy;
use crate::aws::iam::terraform::fold_resource_policy;
use crate::model::{to_json, Attr, Known, Resource, SourceKind};
use crate::terraform::adapter::{blocks, folded_meta, known, raw, Adapter, Builder};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

fn flag(v: Option<&Val>, default: bool) -> Known<bool> {
    v.map(Val::known).unwrap_or(default.into())
}

/// `"Enabled"` (or anything else) as a flag.
fn is_enabled(v: &Val) -> Known<bool> {
    v.known::<String>().map(|s| s == "Enabled")
}

/// An encryption `rule` block, of the bucket (v3) or of the split resource.
fn encryption(rule: Option<&Val>) -> ServerSideEncryption {
    let by_default = rule.and_then(|r| raw(r, "apply_server_side_encryption_by_default.0"));
    let sse = ServerSideEncryption::sse_s3();
    ServerSideEncryption {
        sse_algorithm: by_default
            .and_then(|d| raw(d, "sse_algorithm"))
            .map_or(sse.sse_algorithm, Val::known),
        kms_master_key_id: known(by_default.and_then(|d| raw(d, "kms_master_key_id"))),
        bucket_key_enabled: flag(rule.and_then(|r| raw(r, "bucket_key_enabled")), false),
    }
}

pub(crate) fn bucket(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_s3_bucket");
    b.name_from("bucket").attr("bucket", "bucket", Json::Null);
    // Since April 2023 every new bucket blocks public access, disables ACLs and encrypts with
    // SSE-S3.
    b.put(
        "server_side_encryption",
        Attr::Default(ServerSideEncryption::sse_s3()),
        "",
    );
    b.put(
        "public_access_block",
        Attr::Default(PublicAccessBlock::all(true)),
        "",
    );
    b.put("versioning", Attr::Default(Versioning::never_enabled()), "");
    b.put("logging", Attr::Default(Logging::off()), "");
    b.put(
        "ownership_controls",
        Attr::Default(OwnershipControls {
            object_ownership: Some("BucketOwnerEnforced".into()),
        }),
        "",
    );
    b.put("acl", Attr::Default(Acl::private()), "");
    b.default("policy", Json::Null);
    b.default("lifecycle_rules", json!([]));
    b.put("object_lock", Attr::Default(ObjectLock::off()), "");

    if let Some(rule) = b.raw("server_side_encryption_configuration.0.rule.0") {
        b.put(
            "server_side_encryption",
            Attr::Explicit(encryption(Some(rule))),
            "server_side_encryption_configuration",
        );
    }
    if let Some(v) = b.raw("versioning.0") {
        let status = raw(v, "enabled").map_or("Disabled".into(), |on| {
            on.known::<bool>()
                .map(|on| if on { "Enabled" } else { "Disabled" }.to_string())
        });
        let versioning = Versioning {
            status: Some(status),
            mfa_delete: flag(raw(v, "mfa_delete"), false),
        };
        b.put("versioning", Attr::Explicit(versioning), "versioning");
    }
    if let Some(l) = b.raw("logging.0") {
        let logging = Logging {
            enabled: true,
            target_bucket: known(raw(l, "target_bucket")),
            target_prefix: known(raw(l, "target_prefix")),
        };
        b.put("logging", Attr::Explicit(logging), "logging");
    }
    if let Some(p) = b.raw("policy") {
        b.set("policy", normalize_policy(p), "policy");
    }
    if let Some(acl) = b.raw("acl") {
        let acl = Acl {
            canned: Some(acl.known()),
            grants: Vec::new(),
        };
        b.put("acl", Attr::Explicit(acl), "acl");
    }
    let grants: Vec<Grant> = blocks(&ri.values, "grant")
        .into_iter()
        .flat_map(inline_grants)
        .collect();
    if !grants.is_empty() {
        let acl = Acl {
            canned: None,
            grants,
        };
        b.put("acl", Attr::Explicit(acl), "grant");
    }
    let rules: Vec<LifecycleRule> = blocks(&ri.values, "lifecycle_rule")
        .into_iter()
        .map(|r| LifecycleRule {
            id: known(raw(r, "id")),
            enabled: flag(raw(r, "enabled"), true),
            expiration_days: known(raw(r, "expiration.0.days")),
            noncurrent_expiration_days: known(raw(r, "noncurrent_version_expiration.0.days")),
        })
        .collect();
    if !rules.is_empty() {
        b.put("lifecycle_rules", Attr::Explicit(rules), "lifecycle_rule");
    }
    if let Some(v) = b
        .raw("object_lock_enabled")
        .or_else(|| b.raw("object_lock_configuration.0.object_lock_enabled"))
    {
        // `true` on the bucket, `"Enabled"` in the v3 block.
        let enabled = match v.plain() {
            Val::Str(s) => Known::Value(s == "Enabled" || s == "true"),
            _ => v.known(),
        };
        b.put(
            "object_lock",
            Attr::Explicit(ObjectLock { enabled }),
            "object_lock_enabled",
        );
    }
    b.finish()
}

/// Account-level Block Public Access: each setting is false unless set.
pub(crate) fn account_public_access_block(ri: &RawInstance, source: SourceKind) -> Resource {
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

/// The split resource's four settings: each false once the resource exists, unless set.
fn public_access_block(v: &Val) -> PublicAccessBlock {
    PublicAccessBlock::from_flags(
        [
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ]
        .map(|k| raw(v, k).map(Val::known)),
    )
}

/// A v3 `grant` block: one grant per permission it lists.
fn inline_grants(g: &Val) -> Vec<Grant> {
    let perms = raw(g, "permissions").and_then(Val::as_list).unwrap_or(&[]);
    perms
        .iter()
        .map(|p| Grant {
            grantee_type: known(raw(g, "type")),
            grantee_uri: known(raw(g, "uri")),
            grantee_id: known(raw(g, "id")),
            permission: Some(p.known()),
        })
        .collect()
}

/// Folds `aws_s3_bucket_*` into the bucket named by its `bucket` argument.
pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    let v = &ri.values;
    let (path, value, raw_path): (&str, Json, &str) = match ri.rtype.as_str() {
        "aws_s3_bucket_server_side_encryption_configuration" => (
            "server_side_encryption",
            to_json(encryption(raw(v, "rule.0"))),
            "rule",
        ),
        "aws_s3_bucket_public_access_block" => {
            ("public_access_block", to_json(public_access_block(v)), "")
        }
        "aws_s3_bucket_versioning" => {
            let c = raw(v, "versioning_configuration.0");
            let versioning = Versioning {
                status: known(c.and_then(|c| raw(c, "status"))),
                mfa_delete: c
                    .and_then(|c| raw(c, "mfa_delete"))
                    .map_or(false.into(), is_enabled),
            };
            (
                "versioning",
                to_json(versioning),
                "versioning_configuration",
            )
        }
        "aws_s3_bucket_logging" => {
            let logging = Logging {
                enabled: true,
                target_bucket: known(raw(v, "target_bucket")),
                target_prefix: known(raw(v, "target_prefix")),
            };
            ("logging", to_json(logging), "target_bucket")
        }
        "aws_s3_bucket_policy" => {
            let t = a.target(ri, "bucket", &["aws_s3_bucket"], &["bucket"]);
            return fold_resource_policy(a, ri, t, "policy");
        }
        "aws_s3_bucket_acl" => {
            let grants = blocks(v, "access_control_policy.0.grant")
                .into_iter()
                .map(|g| Grant {
                    grantee_type: known(raw(g, "grantee.0.type")),
                    grantee_uri: known(raw(g, "grantee.0.uri")),
                    grantee_id: known(raw(g, "grantee.0.id")),
                    permission: known(raw(g, "permission")),
                })
                .collect();
            let acl = Acl {
                canned: known(raw(v, "acl")),
                grants,
            };
            ("acl", to_json(acl), "")
        }
        "aws_s3_bucket_ownership_controls" => {
            let own = OwnershipControls {
                object_ownership: known(raw(v, "rule.0.object_ownership")),
            };
            ("ownership_controls", to_json(own), "rule")
        }
        "aws_s3_bucket_lifecycle_configuration" => {
            let rules: Vec<LifecycleRule> = blocks(v, "rule")
                .into_iter()
                .map(|r| LifecycleRule {
                    id: known(raw(r, "id")),
                    enabled: raw(r, "status").map_or(true.into(), is_enabled),
                    expiration_days: known(raw(r, "expiration.0.days")),
                    noncurrent_expiration_days: known(raw(
                        r,
                        "noncurrent_version_expiration.0.noncurrent_days",
                    )),
                })
                .collect();
            ("lifecycle_rules", to_json(rules), "rule")
        }
        "aws_s3_bucket_object_lock_configuration" => (
            "object_lock",
            to_json(ObjectLock {
                enabled: true.into(),
            }),
            "",
        ),
        _ => return false,
    };
    let Some(target) = a.target(ri, "bucket", &["aws_s3_bucket"], &["bucket"]) else {
        return false;
    };
    let meta = folded_meta(ri, raw_path, &value);
    a.get_mut(target).set_attribute(path, value, meta);
    true
}
