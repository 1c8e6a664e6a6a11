//! S3 from the API: every bucket of the account with its region and configuration, and the
//! account-level Block Public Access. A configuration the API reports as absent takes what AWS
//! does without it (for encryption, SSE-S3, which every bucket has had since January 2023),
//! marked `default`.

use futures::stream::{self, StreamExt};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

use super::{
    Acl, Grant, LifecycleRule, Logging, ObjectLock, OwnershipControls, PublicAccessBlock,
    ServerSideEncryption, Versioning,
};
use crate::collect::aws::live::{client, ops, policy_json, tag_map, Ctx, Fetch};
use crate::model::{Attr, AttributeMeta, Known, Resource};

/// A string the API returned, or nothing.
fn text(v: Option<&str>) -> Option<Known<String>> {
    v.map(Known::from)
}

/// The four Block Public Access settings as the API returns them, in the order of
/// [`PublicAccessBlock::from_flags`] (S3 and S3 Control each have a type of their own).
fn block_of(flags: [Option<bool>; 4]) -> PublicAccessBlock {
    PublicAccessBlock::from_flags(flags.map(|f| f.map(Known::Value)))
}

pub(crate) async fn collect(ctx: &Ctx, sdk: &client::Sdk) {
    let global = client::s3(ctx, sdk.global());
    futures::join!(buckets(ctx, sdk, &global), account_block(ctx, sdk));
}

async fn account_block(ctx: &Ctx, sdk: &client::Sdk) {
    let control = client::s3control(ctx, sdk.global());
    let fetched = ctx
        .call_or_absent(
            &ops::S3CONTROL_GET_PUBLIC_ACCESS_BLOCK,
            "",
            &["NoSuchPublicAccessBlockConfiguration"],
            control
                .get_public_access_block()
                .account_id(&ctx.account)
                .send(),
        )
        .await;
    let mut r = ctx.resource(
        &format!("aws:{}:s3-account-public-access-block", ctx.account),
        "aws_s3_account_public_access_block",
        "account public access block",
        &ops::S3CONTROL_GET_PUBLIC_ACCESS_BLOCK,
    );
    let c = match &fetched {
        Fetch::Got(out) => out.public_access_block_configuration(),
        Fetch::Absent => None,
        Fetch::Failed(_) => return,
    };
    let block = c.map(|c| {
        block_of([
            c.block_public_acls(),
            c.block_public_policy(),
            c.ignore_public_acls(),
            c.restrict_public_buckets(),
        ])
    });
    let block = Attr::returned(block, PublicAccessBlock::all(false));
    // The account's settings are attributes of their own (the Terraform resource's shape).
    let meta = block.provenance();
    let Json::Object(settings) = block.to_json() else {
        unreachable!("a block serializes to an object")
    };
    for (k, v) in settings {
        r.set_attribute(
            &k,
            v,
            AttributeMeta {
                provenance: meta,
                span: None,
                from: None,
            },
        );
    }
    ctx.push(r);
}

async fn buckets(ctx: &Ctx, sdk: &client::Sdk, global: &aws_sdk_s3::Client) {
    let pages = ctx
        .pages(
            &ops::S3_LIST_BUCKETS,
            "",
            global.list_buckets().into_paginator().send(),
        )
        .await;
    // ListBuckets names each bucket's region (BucketRegion) on current AWS; where it does not,
    // GetBucketLocation does.
    let listed: Vec<(String, Option<String>)> = pages
        .iter()
        .flat_map(|p| p.buckets())
        .filter_map(|b| {
            let region = b.bucket_region().filter(|r| !r.is_empty());
            Some((b.name()?.to_string(), region.map(str::to_string)))
        })
        .collect();
    // Each bucket is read in its own region; a client per region.
    let located: Vec<(String, Option<String>)> = stream::iter(listed)
        .map(|(name, listed_region)| async move {
            if listed_region.is_some() {
                return (name, listed_region);
            }
            let region = ctx
                .call(
                    &ops::S3_GET_BUCKET_LOCATION,
                    &name,
                    global.get_bucket_location().bucket(&name).send(),
                )
                .await
                .map(|out| match out.location_constraint().map(|l| l.as_str()) {
                    None | Some("") => "us-east-1".to_string(),
                    Some("EU") => "eu-west-1".to_string(),
                    Some(r) => r.to_string(),
                });
            (name, region)
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    let mut clients: BTreeMap<String, aws_sdk_s3::Client> = BTreeMap::new();
    for region in located.iter().filter_map(|(_, r)| r.clone()) {
        clients
            .entry(region.clone())
            .or_insert_with(|| client::s3(ctx, &sdk.regional(&region)));
    }
    // A bucket's settings are read at once; the service's limit keeps the calls in flight
    // within --concurrency.
    let per_bucket = (ctx.concurrency / 4).max(1);
    let found: Vec<Resource> = stream::iter(located)
        .map(|(name, region)| {
            let s3 = region
                .as_ref()
                .and_then(|r| clients.get(r))
                .unwrap_or(global)
                .clone();
            async move { bucket(ctx, &s3, &name, region).await }
        })
        .buffer_unordered(per_bucket)
        .collect()
        .await;
    ctx.push_all(found);
}

/// One bucket with every configuration the rules read.
async fn bucket(
    ctx: &Ctx,
    s3: &aws_sdk_s3::Client,
    name: &str,
    region: Option<String>,
) -> Resource {
    let arn = format!("arn:aws:s3:::{name}");
    let mut r = ctx.resource(&arn, "aws_s3_bucket", name, &ops::S3_LIST_BUCKETS);
    r.region = region;
    r.set_attribute("bucket", json!(name), AttributeMeta::explicit());
    let (enc, pab, policy, own, ver, log, life, tags) = futures::join!(
        ctx.call_or_absent(
            &ops::S3_GET_BUCKET_ENCRYPTION,
            name,
            &["ServerSideEncryptionConfigurationNotFoundError"],
            s3.get_bucket_encryption().bucket(name).send()
        ),
        ctx.call_or_absent(
            &ops::S3_GET_PUBLIC_ACCESS_BLOCK,
            name,
            &["NoSuchPublicAccessBlockConfiguration"],
            s3.get_public_access_block().bucket(name).send()
        ),
        ctx.call_or_absent(
            &ops::S3_GET_BUCKET_POLICY,
            name,
            &["NoSuchBucketPolicy"],
            s3.get_bucket_policy().bucket(name).send()
        ),
        ctx.call_or_absent(
            &ops::S3_GET_BUCKET_OWNERSHIP_CONTROLS,
            name,
            &["OwnershipControlsNotFoundError"],
            s3.get_bucket_ownership_controls().bucket(name).send()
        ),
        ctx.fetch(
            &ops::S3_GET_BUCKET_VERSIONING,
            name,
            s3.get_bucket_versioning().bucket(name).send()
        ),
        ctx.fetch(
            &ops::S3_GET_BUCKET_LOGGING,
            name,
            s3.get_bucket_logging().bucket(name).send()
        ),
        ctx.call_or_absent(
            &ops::S3_GET_BUCKET_LIFECYCLE,
            name,
            &["NoSuchLifecycleConfiguration"],
            s3.get_bucket_lifecycle_configuration().bucket(name).send()
        ),
        ctx.call_or_absent(
            &ops::S3_GET_BUCKET_TAGGING,
            name,
            &["NoSuchTagSet"],
            s3.get_bucket_tagging().bucket(name).send()
        ),
    );
    // Two reads only where they can tell something, asked together once the first ones are in.
    // With ACLs disabled (BucketOwnerEnforced) the ACL grants nothing and cannot be changed to
    // grant anything (one request fewer for every bucket made since 2023). Object Lock needs
    // versioning enabled (turning the lock on enables it, and versioning cannot be suspended
    // while it is on): where versioning is not `Enabled` there is no lock to ask about.
    let acls_disabled =
        matches!(&own, Fetch::Got(out) if object_ownership(out) == Some("BucketOwnerEnforced"));
    let unversioned =
        matches!(&ver, Fetch::Got(out) if out.status().map(|s| s.as_str()) != Some("Enabled"));
    let (acl, lock) = futures::join!(
        async {
            if acls_disabled {
                return Fetch::Absent;
            }
            ctx.fetch(
                &ops::S3_GET_BUCKET_ACL,
                name,
                s3.get_bucket_acl().bucket(name).send(),
            )
            .await
        },
        async {
            if unversioned {
                return Fetch::Absent;
            }
            ctx.call_or_absent(
                &ops::S3_GET_OBJECT_LOCK,
                name,
                &["ObjectLockConfigurationNotFoundError"],
                s3.get_object_lock_configuration().bucket(name).send(),
            )
            .await
        },
    );

    let enc = enc.map(|out| {
        let rule = out
            .server_side_encryption_configuration()
            .and_then(|c| c.rules().first());
        let by_default = rule.and_then(|r| r.apply_server_side_encryption_by_default());
        let sse = ServerSideEncryption::sse_s3();
        ServerSideEncryption {
            sse_algorithm: by_default
                .map_or(sse.sse_algorithm, |d| d.sse_algorithm().as_str().into()),
            kms_master_key_id: text(by_default.and_then(|d| d.kms_master_key_id())),
            bucket_key_enabled: rule
                .and_then(|r| r.bucket_key_enabled())
                .unwrap_or(false)
                .into(),
        }
    });
    // Real AWS reports SSE-S3 for a bucket never configured; some emulators report the
    // configuration as missing instead. Either way the bucket is encrypted with SSE-S3.
    put(ctx, &mut r, "server_side_encryption", enc, || {
        Attr::Default(ServerSideEncryption::sse_s3())
    });
    let pab = pab.map(|out| {
        out.public_access_block_configuration()
            .map_or(PublicAccessBlock::all(false), |c| {
                block_of([
                    c.block_public_acls(),
                    c.block_public_policy(),
                    c.ignore_public_acls(),
                    c.restrict_public_buckets(),
                ])
            })
    });
    // No bucket-level block: nothing is blocked at the bucket.
    put(ctx, &mut r, "public_access_block", pab, || {
        Attr::Explicit(PublicAccessBlock::all(false))
    });
    match policy {
        Fetch::Got(out) => r.set_attribute(
            "policy",
            policy_json(out.policy()),
            AttributeMeta::explicit(),
        ),
        Fetch::Absent => r.set_attribute("policy", Json::Null, AttributeMeta::explicit()),
        Fetch::Failed(u) => ctx.unread(&mut r, &["policy"], &u),
    }
    let acl = acl.map(|out| Acl {
        canned: None,
        grants: out
            .grants()
            .iter()
            .map(|g| {
                let grantee = g.grantee();
                Grant {
                    grantee_type: text(grantee.map(|x| x.r#type().as_str())),
                    grantee_uri: text(grantee.and_then(|x| x.uri())),
                    grantee_id: text(grantee.and_then(|x| x.id())),
                    permission: text(g.permission().map(|p| p.as_str())),
                }
            })
            .collect(),
    });
    // ACLs disabled: no grant but the owner's.
    put(ctx, &mut r, "acl", acl, || Attr::Explicit(Acl::private()));
    let own = own.map(|out| OwnershipControls {
        object_ownership: text(object_ownership(&out)),
    });
    // Without ownership controls, ACLs are in effect (the behaviour before April 2023).
    put(ctx, &mut r, "ownership_controls", own, || {
        Attr::Default(OwnershipControls {
            object_ownership: Some("ObjectWriter".into()),
        })
    });
    let ver = ver.map(|out| Versioning {
        status: Some(out.status().map_or("Disabled", |s| s.as_str()).into()),
        mfa_delete: out
            .mfa_delete()
            .is_some_and(|m| m.as_str() == "Enabled")
            .into(),
    });
    put(ctx, &mut r, "versioning", ver, || {
        Attr::Default(Versioning::never_enabled())
    });
    let log = log.map(|out| {
        let l = out.logging_enabled();
        Logging {
            enabled: l.is_some(),
            target_bucket: text(l.map(|l| l.target_bucket())),
            target_prefix: text(l.map(|l| l.target_prefix())),
        }
    });
    put(
        ctx,
        &mut r,
        "logging",
        log,
        || Attr::Default(Logging::off()),
    );
    let life = life.map(|out| {
        out.rules()
            .iter()
            .map(|x| LifecycleRule {
                id: text(x.id()),
                enabled: (x.status().as_str() == "Enabled").into(),
                expiration_days: x
                    .expiration()
                    .and_then(|e| e.days())
                    .map(|d| i64::from(d).into()),
                noncurrent_expiration_days: x
                    .noncurrent_version_expiration()
                    .and_then(|e| e.noncurrent_days())
                    .map(|d| i64::from(d).into()),
            })
            .collect::<Vec<_>>()
    });
    put(ctx, &mut r, "lifecycle_rules", life, || {
        Attr::Explicit(Vec::new())
    });
    let lock = lock.map(|out| ObjectLock {
        enabled: out
            .object_lock_configuration()
            .and_then(|c| c.object_lock_enabled())
            .is_some_and(|e| e.as_str() == "Enabled")
            .into(),
    });
    put(ctx, &mut r, "object_lock", lock, || {
        Attr::Explicit(ObjectLock::off())
    });
    match tags {
        Fetch::Got(out) => {
            r.tags = tag_map(
                out.tag_set()
                    .iter()
                    .map(|t| (Some(t.key()), Some(t.value()))),
            )
        }
        Fetch::Absent => {}
        // Unread tags leave the classification unknown: the bucket is judged as FERPA data.
        Fetch::Failed(u) => ctx.unread(&mut r, &["tags"], &u),
    }
    r
}

/// Writes one part of a bucket as read: what the API returned, or `absent` where it said there
/// is none, or the part as not read where the call failed.
fn put<T: serde::Serialize>(
    ctx: &Ctx,
    r: &mut Resource,
    path: &str,
    fetched: Fetch<T>,
    absent: impl FnOnce() -> Attr<T>,
) {
    match fetched {
        Fetch::Got(part) => r.put(path, Attr::Explicit(part), None),
        Fetch::Absent => r.put(path, absent(), None),
        Fetch::Failed(u) => ctx.unread(r, &[path], &u),
    }
}

/// The bucket's Object Ownership setting, as GetBucketOwnershipControls names it.
fn object_ownership(
    out: &aws_sdk_s3::operation::get_bucket_ownership_controls::GetBucketOwnershipControlsOutput,
) -> Option<&str> {
    out.ownership_controls()
        .and_then(|c| c.rules().first())
        .map(|r| r.object_ownership().as_str())
}
