//! KMS from the API: every key of the region with its policy, rotation and aliases.

use futures::stream::{self, StreamExt};
use serde_json::json;
use std::collections::HashMap;

use crate::collect::aws::live::{
    ops, policy_json, set_all, set_flags, tag_map, watched, Ctx, Fetch,
};
use crate::model::{AttributeMeta, Resource};

pub(crate) async fn collect(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let kms = watched!(ctx, aws_sdk_kms, conf);
    let (keys, aliases) = futures::join!(
        ctx.pages(
            &ops::KMS_LIST_KEYS,
            "",
            kms.list_keys().into_paginator().send()
        ),
        ctx.pages(
            &ops::KMS_LIST_ALIASES,
            "",
            kms.list_aliases().into_paginator().send()
        ),
    );
    let mut alias_of: HashMap<String, Vec<String>> = HashMap::new();
    for a in aliases.iter().flat_map(|p| p.aliases()) {
        if let (Some(name), Some(key)) = (a.alias_name(), a.target_key_id()) {
            alias_of
                .entry(key.to_string())
                .or_default()
                .push(name.to_string());
        }
    }
    let ids: Vec<String> = keys
        .iter()
        .flat_map(|p| p.keys())
        .filter_map(|k| k.key_id().map(str::to_string))
        .collect();
    let found: Vec<Option<Resource>> = stream::iter(ids)
        .map(|id| {
            let kms = kms.clone();
            let aliases = alias_of.get(&id).cloned().unwrap_or_default();
            async move { key(ctx, &kms, &id, aliases).await }
        })
        .buffer_unordered((ctx.concurrency / 2).max(1))
        .collect()
        .await;
    ctx.push_all(found.into_iter().flatten());
}

async fn key(
    ctx: &Ctx,
    kms: &aws_sdk_kms::Client,
    id: &str,
    mut aliases: Vec<String>,
) -> Option<Resource> {
    let described = ctx
        .call(
            &ops::KMS_DESCRIBE_KEY,
            id,
            kms.describe_key().key_id(id).send(),
        )
        .await?;
    let m = described.key_metadata()?;
    let arn = m.arn().unwrap_or(id);
    let customer = m.key_manager().is_none_or(|k| k.as_str() == "CUSTOMER");
    let state = m.key_state().map(|s| s.as_str()).unwrap_or("Enabled");
    let spec = m
        .key_spec()
        .map(|s| s.as_str())
        .unwrap_or("SYMMETRIC_DEFAULT");
    aliases.sort();
    let name = aliases.first().cloned().unwrap_or_else(|| id.to_string());
    let mut r = ctx.resource(arn, "aws_kms_key", &name, &ops::KMS_DESCRIBE_KEY);
    r.derived["customer_managed"] = json!(customer);
    set_all(
        &mut r,
        [
            ("key_id", json!(id)),
            ("arn", json!(arn)),
            ("description", json!(m.description())),
            ("key_usage", json!(m.key_usage().map(|u| u.as_str()))),
            ("key_spec", json!(spec)),
            ("enabled", json!(m.enabled())),
            ("key_state", json!(state)),
            ("aliases", json!(aliases)),
        ],
    );
    set_flags(&mut r, [("multi_region", m.multi_region())]);
    if !customer {
        // AWS managed keys rotate every year and their policy is AWS's; nothing more to read.
        r.set_attribute(
            "key_rotation_enabled",
            json!(true),
            AttributeMeta::aws_default(),
        );
        return Some(r);
    }
    let live = matches!(state, "Enabled" | "Disabled");
    let rotation = async {
        if live && spec == "SYMMETRIC_DEFAULT" {
            match ctx
                .fetch(
                    &ops::KMS_GET_KEY_ROTATION_STATUS,
                    id,
                    kms.get_key_rotation_status().key_id(id).send(),
                )
                .await
            {
                Fetch::Got(o) => Ok(Some(o.key_rotation_enabled())),
                Fetch::Absent => Ok(None),
                Fetch::Failed(u) => Err(u),
            }
        } else {
            // Asymmetric and HMAC keys cannot rotate automatically.
            Ok(Some(false))
        }
    };
    let (rotation, policy, tags) = futures::join!(
        rotation,
        ctx.fetch(
            &ops::KMS_GET_KEY_POLICY,
            id,
            kms.get_key_policy()
                .key_id(id)
                .policy_name("default")
                .send()
        ),
        ctx.pages(
            &ops::KMS_LIST_RESOURCE_TAGS,
            id,
            kms.list_resource_tags().key_id(id).into_paginator().send()
        ),
    );
    match rotation {
        Ok(Some(on)) => {
            r.set_attribute("key_rotation_enabled", json!(on), AttributeMeta::explicit())
        }
        Ok(None) => {}
        Err(u) => ctx.unread(&mut r, &["key_rotation_enabled"], &u),
    }
    match policy {
        Fetch::Got(p) => {
            r.set_attribute("policy", policy_json(p.policy()), AttributeMeta::explicit())
        }
        Fetch::Absent => {}
        Fetch::Failed(u) => ctx.unread(&mut r, &["policy"], &u),
    }
    r.tags = tag_map(
        tags.iter()
            .flat_map(|p| p.tags())
            .map(|t| (Some(t.tag_key()), Some(t.tag_value()))),
    );
    Some(r)
}
