//! Where data lives, in one region: KMS keys, RDS instances, clusters and snapshots, and
//! DynamoDB tables.

use futures::stream::{self, StreamExt};
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;

use super::{ops, policy_json, set_all, set_flags, tag_map, Ctx, Fetch, Unread};
use crate::model::{AttributeMeta, Resource};

pub(crate) async fn collect_kms(ctx: &Ctx, conf: &aws_config::SdkConfig) {
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

pub(crate) async fn collect_rds(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let rds = watched!(ctx, aws_sdk_rds, conf);
    let (instances, clusters, snapshots) = futures::join!(
        ctx.pages(
            &ops::RDS_DESCRIBE_DB_INSTANCES,
            "",
            rds.describe_db_instances().into_paginator().send()
        ),
        ctx.pages(
            &ops::RDS_DESCRIBE_DB_CLUSTERS,
            "",
            rds.describe_db_clusters().into_paginator().send()
        ),
        ctx.pages(
            &ops::RDS_DESCRIBE_DB_SNAPSHOTS,
            "",
            rds.describe_db_snapshots()
                .snapshot_type("manual")
                .into_paginator()
                .send()
        ),
    );
    let tags =
        |list: &[aws_sdk_rds::types::Tag]| tag_map(list.iter().map(|t| (t.key(), t.value())));

    // Parameters that differ from the engine defaults, once per group.
    let mut instance_groups: Vec<String> = instances
        .iter()
        .flat_map(|p| p.db_instances())
        .flat_map(|d| d.db_parameter_groups())
        .filter_map(|g| g.db_parameter_group_name().map(str::to_string))
        .collect();
    instance_groups.sort();
    instance_groups.dedup();
    let mut cluster_groups: Vec<String> = clusters
        .iter()
        .flat_map(|p| p.db_clusters())
        .filter_map(|c| c.db_cluster_parameter_group().map(str::to_string))
        .collect();
    cluster_groups.sort();
    cluster_groups.dedup();
    let instance_params: HashMap<String, Result<Json, Unread>> = stream::iter(instance_groups)
        .map(|g| {
            let rds = rds.clone();
            async move {
                let request = rds
                    .describe_db_parameters()
                    .db_parameter_group_name(&g)
                    .source("user");
                let params = ctx
                    .fetch_pages(
                        &ops::RDS_DESCRIBE_DB_PARAMETERS,
                        &g,
                        request.into_paginator().send(),
                    )
                    .await
                    .map(|pages| parameters(pages.iter().flat_map(|p| p.parameters())));
                (g, params)
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    let cluster_params: HashMap<String, Result<Json, Unread>> = stream::iter(cluster_groups)
        .map(|g| {
            let rds = rds.clone();
            async move {
                let request = rds
                    .describe_db_cluster_parameters()
                    .db_cluster_parameter_group_name(&g)
                    .source("user");
                let params = ctx
                    .fetch_pages(
                        &ops::RDS_DESCRIBE_DB_CLUSTER_PARAMETERS,
                        &g,
                        request.into_paginator().send(),
                    )
                    .await
                    .map(|pages| parameters(pages.iter().flat_map(|p| p.parameters())));
                (g, params)
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;

    let mut out = Vec::new();
    let mut uid_of: HashMap<String, String> = HashMap::new();
    for d in instances.iter().flat_map(|p| p.db_instances()) {
        let id = d.db_instance_identifier().unwrap_or_default();
        let arn = d.db_instance_arn().unwrap_or(id);
        uid_of.insert(id.to_string(), arn.to_string());
        uid_of.insert(arn.to_string(), arn.to_string());
        let group = d
            .db_parameter_groups()
            .first()
            .and_then(|g| g.db_parameter_group_name());
        let subnet_group = d.db_subnet_group();
        let mut r = ctx.resource(arn, "aws_db_instance", id, &ops::RDS_DESCRIBE_DB_INSTANCES);
        r.tags = tags(d.tag_list());
        set_all(
            &mut r,
            [
                ("identifier", json!(id)),
                ("engine", json!(d.engine())),
                ("engine_version", json!(d.engine_version())),
                ("kms_key_id", json!(d.kms_key_id())),
                (
                    "backup_retention_period",
                    json!(d.backup_retention_period()),
                ),
                (
                    "replicate_source_db",
                    json!(d.read_replica_source_db_instance_identifier()),
                ),
                ("cluster_identifier", json!(d.db_cluster_identifier())),
                ("parameter_group_name", json!(group)),
                (
                    "db_subnet_group_name",
                    json!(subnet_group.and_then(|g| g.db_subnet_group_name())),
                ),
                (
                    "subnet_ids",
                    json!(subnet_group
                        .map(|g| g
                            .subnets()
                            .iter()
                            .filter_map(|s| s.subnet_identifier())
                            .collect::<Vec<_>>())
                        .unwrap_or_default()),
                ),
            ],
        );
        set_flags(
            &mut r,
            [
                ("storage_encrypted", d.storage_encrypted()),
                ("publicly_accessible", d.publicly_accessible()),
                ("deletion_protection", d.deletion_protection()),
                ("multi_az", d.multi_az()),
                (
                    "iam_database_authentication_enabled",
                    d.iam_database_authentication_enabled(),
                ),
            ],
        );
        set_parameters(ctx, &mut r, group.and_then(|g| instance_params.get(g)));
        out.push(r);
    }
    // A replica's encryption follows its source: name the source for the rules.
    for r in out.iter_mut() {
        let src = r
            .attribute("replicate_source_db")
            .and_then(Json::as_str)
            .map(str::to_string);
        if let Some(uid) = src.and_then(|s| uid_of.get(&s)) {
            r.derived["replica_of"] = json!(uid);
        }
    }
    for c in clusters.iter().flat_map(|p| p.db_clusters()) {
        let id = c.db_cluster_identifier().unwrap_or_default();
        let arn = c.db_cluster_arn().unwrap_or(id);
        let group = c.db_cluster_parameter_group();
        let mut r = ctx.resource(arn, "aws_rds_cluster", id, &ops::RDS_DESCRIBE_DB_CLUSTERS);
        r.tags = tags(c.tag_list());
        set_all(
            &mut r,
            [
                ("identifier", json!(id)),
                ("engine", json!(c.engine())),
                ("engine_version", json!(c.engine_version())),
                ("engine_mode", json!(c.engine_mode())),
                ("kms_key_id", json!(c.kms_key_id())),
                (
                    "backup_retention_period",
                    json!(c.backup_retention_period()),
                ),
                ("parameter_group_name", json!(group)),
                ("db_subnet_group_name", json!(c.db_subnet_group())),
            ],
        );
        set_flags(
            &mut r,
            [
                ("storage_encrypted", c.storage_encrypted()),
                ("publicly_accessible", c.publicly_accessible()),
                ("deletion_protection", c.deletion_protection()),
                (
                    "iam_database_authentication_enabled",
                    c.iam_database_authentication_enabled(),
                ),
            ],
        );
        set_parameters(ctx, &mut r, group.and_then(|g| cluster_params.get(g)));
        out.push(r);
    }

    let snapshot_list: Vec<(String, String, bool)> = snapshots
        .iter()
        .flat_map(|p| p.db_snapshots())
        .filter_map(|s| {
            Some((
                s.db_snapshot_identifier()?.to_string(),
                s.db_snapshot_arn().unwrap_or_default().to_string(),
                s.encrypted().unwrap_or(false),
            ))
        })
        .collect();
    let snaps: Vec<Resource> = stream::iter(snapshot_list)
        .map(|(id, arn, encrypted)| {
            let rds = rds.clone();
            async move {
                let attrs = ctx
                    .fetch(
                        &ops::RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES,
                        &id,
                        rds.describe_db_snapshot_attributes()
                            .db_snapshot_identifier(&id)
                            .send(),
                    )
                    .await;
                let uid = if arn.is_empty() { id.clone() } else { arn };
                let mut r = ctx.resource(
                    &uid,
                    "aws_db_snapshot",
                    &id,
                    &ops::RDS_DESCRIBE_DB_SNAPSHOTS,
                );
                r.set_attribute("encrypted", json!(encrypted), AttributeMeta::explicit());
                if let Fetch::Failed(u) = &attrs {
                    ctx.unread(&mut r, &["shared_with", "public"], u);
                }
                if let Fetch::Got(a) = attrs {
                    let shared: Vec<&str> = a
                        .db_snapshot_attributes_result()
                        .map(|x| x.db_snapshot_attributes())
                        .unwrap_or_default()
                        .iter()
                        .filter(|x| x.attribute_name() == Some("restore"))
                        .flat_map(|x| x.attribute_values())
                        .map(String::as_str)
                        .collect();
                    r.set_attribute("shared_with", json!(shared), AttributeMeta::explicit());
                    r.set_attribute(
                        "public",
                        json!(shared.contains(&"all")),
                        AttributeMeta::explicit(),
                    );
                }
                r
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    out.extend(snaps);
    ctx.push_all(out);
}

/// A database's parameters: those of its group as read, none set for a database without a
/// group, or unread when the group's parameters could not be read.
fn set_parameters(ctx: &Ctx, r: &mut Resource, read: Option<&Result<Json, Unread>>) {
    match read {
        Some(Ok(params)) => {
            r.set_attribute("parameters", params.clone(), AttributeMeta::explicit())
        }
        Some(Err(u)) => ctx.unread(r, &["parameters"], u),
        None => r.set_attribute("parameters", json!({}), AttributeMeta::explicit()),
    }
}

/// Parameters set in a group (`Source=user`: those that differ from the engine's defaults),
/// as the Terraform adapter has them: name → value.
fn parameters<'a>(list: impl Iterator<Item = &'a aws_sdk_rds::types::Parameter>) -> Json {
    let mut m = Map::new();
    for p in list {
        if let Some(name) = p.parameter_name() {
            m.insert(name.to_string(), json!(p.parameter_value()));
        }
    }
    Json::Object(m)
}

pub(crate) async fn collect_dynamodb(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let ddb = watched!(ctx, aws_sdk_dynamodb, conf);
    let pages = ctx
        .pages(
            &ops::DYNAMODB_LIST_TABLES,
            "",
            ddb.list_tables().into_paginator().send(),
        )
        .await;
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.table_names())
        .cloned()
        .collect();
    let per_table = (ctx.concurrency / 3).max(1);
    let found: Vec<Option<Resource>> = stream::iter(names)
        .map(|name| {
            let ddb = ddb.clone();
            async move { table(ctx, &ddb, &name).await }
        })
        .buffer_unordered(per_table)
        .collect()
        .await;
    ctx.push_all(found.into_iter().flatten());
}

async fn table(ctx: &Ctx, ddb: &aws_sdk_dynamodb::Client, name: &str) -> Option<Resource> {
    let described = match ctx
        .fetch(
            &ops::DYNAMODB_DESCRIBE_TABLE,
            name,
            ddb.describe_table().table_name(name).send(),
        )
        .await
    {
        Fetch::Got(d) => d,
        Fetch::Absent => return None,
        // Listed but not described: the table is kept, every setting the rules read unread.
        Fetch::Failed(u) => {
            let arn = format!(
                "arn:aws:dynamodb:{}:{}:table/{name}",
                ctx.region.as_deref().unwrap_or_default(),
                ctx.account
            );
            let mut r = ctx.resource(&arn, "aws_dynamodb_table", name, &ops::DYNAMODB_LIST_TABLES);
            r.set_attribute("name", json!(name), AttributeMeta::explicit());
            ctx.unread(
                &mut r,
                &[
                    "server_side_encryption",
                    "point_in_time_recovery",
                    "deletion_protection_enabled",
                    "tags",
                ],
                &u,
            );
            return Some(r);
        }
    };
    let t = described.table()?;
    let arn = t.table_arn().unwrap_or(name).to_string();
    let (backups, tags) = futures::join!(
        ctx.fetch(
            &ops::DYNAMODB_DESCRIBE_CONTINUOUS_BACKUPS,
            name,
            ddb.describe_continuous_backups().table_name(name).send()
        ),
        ctx.call_or_absent(
            &ops::DYNAMODB_LIST_TAGS,
            name,
            &[],
            ddb.list_tags_of_resource().resource_arn(&arn).send()
        ),
    );
    let mut r = ctx.resource(
        &arn,
        "aws_dynamodb_table",
        name,
        &ops::DYNAMODB_DESCRIBE_TABLE,
    );
    let sse = t.sse_description();
    let kms = sse.is_some_and(|s| s.sse_type().is_some_and(|x| x.as_str() == "KMS"));
    set_all(
        &mut r,
        [
            ("name", json!(name)),
            (
                "server_side_encryption",
                if kms {
                    json!({"sse_type": "KMS", "kms_key_arn": sse.and_then(|s| s.kms_master_key_arn())})
                } else {
                    json!({"sse_type": "AWS_OWNED", "kms_key_arn": null})
                },
            ),
        ],
    );
    set_flags(
        &mut r,
        [(
            "deletion_protection_enabled",
            t.deletion_protection_enabled(),
        )],
    );
    if let Fetch::Failed(u) = &backups {
        ctx.unread(&mut r, &["point_in_time_recovery"], u);
    }
    if let Fetch::Got(b) = backups {
        let on = b
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .is_some_and(|s| s.as_str() == "ENABLED");
        r.set_attribute(
            "point_in_time_recovery",
            json!(on),
            AttributeMeta::explicit(),
        );
    }
    match tags {
        Fetch::Got(out) => {
            r.tags = tag_map(out.tags().iter().map(|t| (Some(t.key()), Some(t.value()))))
        }
        Fetch::Absent => {}
        Fetch::Failed(u) => ctx.unread(&mut r, &["tags"], &u),
    }
    Some(r)
}
