//! EKS from the API: clusters with their access entries and pod identity associations.

use futures::stream::{self, StreamExt};
use serde_json::{json, Value as Json};

use crate::collect::aws::eks_identities;
use crate::collect::aws::live::{ops, set_all, set_flags, watched, Ctx, Fetch};
use crate::model::{Attr, AttributeMeta, Resource};

pub(crate) async fn collect(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let eks = watched!(ctx, aws_sdk_eks, conf);
    let pages = ctx
        .pages(
            &ops::EKS_LIST_CLUSTERS,
            "",
            eks.list_clusters().into_paginator().send(),
        )
        .await;
    let names: Vec<String> = pages.iter().flat_map(|p| p.clusters()).cloned().collect();
    let found: Vec<Vec<Resource>> = stream::iter(names)
        .map(|name| {
            let eks = eks.clone();
            async move { cluster(ctx, &eks, &name).await }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    ctx.push_all(found.into_iter().flatten());
}

async fn cluster(ctx: &Ctx, eks: &aws_sdk_eks::Client, name: &str) -> Vec<Resource> {
    let out = match ctx
        .fetch(
            &ops::EKS_DESCRIBE_CLUSTER,
            name,
            eks.describe_cluster().name(name).send(),
        )
        .await
    {
        Fetch::Got(out) => out,
        Fetch::Absent => return Vec::new(),
        // Listed but not described: the cluster is kept, every setting the rules read unread.
        Fetch::Failed(u) => {
            let arn = format!(
                "arn:aws:eks:{}:{}:cluster/{name}",
                ctx.region.as_deref().unwrap_or_default(),
                ctx.account
            );
            let mut r = ctx.resource(&arn, "aws_eks_cluster", name, &ops::EKS_LIST_CLUSTERS);
            r.set_attribute("name", json!(name), AttributeMeta::explicit());
            ctx.unread(
                &mut r,
                &[
                    "endpoint_public_access",
                    "endpoint_private_access",
                    "public_access_cidrs",
                    "enabled_log_types",
                    "secrets_encryption",
                    "authentication_mode",
                    "tags",
                ],
                &u,
            );
            return vec![r];
        }
    };
    let Some(c) = out.cluster() else {
        return Vec::new();
    };
    let arn = c.arn().unwrap_or(name);
    let vpc = c.resources_vpc_config();
    let logs: Vec<&str> = c
        .logging()
        .map(|l| l.cluster_logging())
        .unwrap_or_default()
        .iter()
        .filter(|s| s.enabled() == Some(true))
        .flat_map(|s| s.types())
        .map(|t| t.as_str())
        .collect();
    let enc = c.encryption_config().first();
    // `resources` is deprecated in the SDK because EKS now encrypts all API data with an AWS
    // owned key; whether a customer key wraps secrets (EKS-03) is still this field with `key_arn`.
    #[allow(deprecated)]
    let encrypted_resources: Vec<String> = enc.map(|e| e.resources().to_vec()).unwrap_or_default();
    // Without accessConfig the cluster uses the aws-auth ConfigMap only (the API's default).
    let mode = c
        .access_config()
        .and_then(|a| a.authentication_mode())
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "CONFIG_MAP".into());
    let mut r = ctx.resource(arn, "aws_eks_cluster", name, &ops::EKS_DESCRIBE_CLUSTER);
    r.tags = c
        .tags()
        .map(|t| t.clone().into_iter().collect())
        .unwrap_or_default();
    set_all(
        &mut r,
        [
            ("name", json!(name)),
            ("version", json!(c.version())),
            (
                "public_access_cidrs",
                json!(vpc
                    .map(|v| v.public_access_cidrs().to_vec())
                    .unwrap_or_default()),
            ),
            ("enabled_log_types", json!(logs)),
            (
                "secrets_encryption",
                json!({
                    "resources": encrypted_resources,
                    "key_arn": enc.and_then(|e| e.provider()).and_then(|p| p.key_arn()),
                }),
            ),
            ("authentication_mode", json!(mode)),
        ],
    );
    set_flags(
        &mut r,
        [(
            "endpoint_private_access",
            vpc.map(|v| v.endpoint_private_access()),
        )],
    );
    // Without a VPC configuration the endpoint is public (the EKS default).
    r.put(
        "endpoint_public_access",
        Attr::returned(vpc.map(|v| v.endpoint_public_access()), true),
        None,
    );
    let mut out = vec![r];
    if mode.contains("API") {
        out.extend(access_entries(ctx, eks, name).await);
    }
    out
}

/// Access entries, read into the same document `scripts/record-eks-identities` records.
async fn access_entries(ctx: &Ctx, eks: &aws_sdk_eks::Client, cluster: &str) -> Vec<Resource> {
    let pages = ctx
        .pages(
            &ops::EKS_LIST_ACCESS_ENTRIES,
            cluster,
            eks.list_access_entries()
                .cluster_name(cluster)
                .into_paginator()
                .send(),
        )
        .await;
    let principals: Vec<String> = pages
        .iter()
        .flat_map(|p| p.access_entries())
        .cloned()
        .collect();
    let entries: Vec<Json> = stream::iter(principals)
        .map(|p| async move {
            let out = ctx
                .call(
                    &ops::EKS_DESCRIBE_ACCESS_ENTRY,
                    &p,
                    eks.describe_access_entry()
                        .cluster_name(cluster)
                        .principal_arn(&p)
                        .send(),
                )
                .await?;
            let e = out.access_entry()?;
            Some(json!({
                "accessEntryArn": e.access_entry_arn(),
                "principalArn": e.principal_arn(),
                "kubernetesGroups": e.kubernetes_groups(),
                "username": e.username(),
                "type": e.r#type(),
            }))
        })
        .buffer_unordered(ctx.concurrency)
        .filter_map(|e| async move { e })
        .collect()
        .await;
    let doc = json!({"EksIdentities": {"clusterName": cluster, "accessEntries": entries, "podIdentityAssociations": []}});
    let mut found = eks_identities::import(&doc);
    for r in &mut found {
        r.account = Some(ctx.account.clone());
        r.region = ctx.region.clone();
    }
    found
}
