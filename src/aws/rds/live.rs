//! RDS from the API: instances, clusters with their parameter groups, and snapshots with who may
//! restore them.

use futures::stream::{self, StreamExt};
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;

use crate::collect::aws::live::{ops, set_all, set_flags, tag_map, watched, Ctx, Fetch, Unread};
use crate::model::{Attr, AttributeMeta, Resource};

pub(crate) async fn collect(ctx: &Ctx, conf: &aws_config::SdkConfig) {
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
        put_maintenance_and_logs(
            &mut r,
            d.auto_minor_version_upgrade(),
            d.enabled_cloudwatch_logs_exports(),
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
        put_maintenance_and_logs(
            &mut r,
            c.auto_minor_version_upgrade(),
            c.enabled_cloudwatch_logs_exports(),
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

/// Whether the database takes minor engine upgrades (AWS's default: it does) and the logs it
/// exports to CloudWatch Logs (none unless enabled), each marked AWS's default where the API
/// returned nothing.
fn put_maintenance_and_logs(r: &mut Resource, auto_minor: Option<bool>, exports: &[String]) {
    r.put(
        "auto_minor_version_upgrade",
        Attr::returned(auto_minor, true),
        None,
    );
    let exports = (!exports.is_empty()).then(|| exports.to_vec());
    r.put(
        "enabled_cloudwatch_logs_exports",
        Attr::returned(exports, Vec::new()),
        None,
    );
}
