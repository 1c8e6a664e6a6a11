//! CloudTrail, EKS, and load balancers with their listeners and WAF, in one region.

use futures::stream::{self, StreamExt};
use serde_json::{json, Value as Json};

use super::{ops, set_all, set_flags, Ctx, Fetch};
use crate::collect::aws::eks_identities;
use crate::model::{Attr, AttributeMeta, Resource};

pub(crate) async fn collect_cloudtrail(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let ct = watched!(ctx, aws_sdk_cloudtrail, conf);
    // Only the trails homed here: a multi-region trail is read once, in its home region.
    let Some(out) = ctx
        .call(
            &ops::CLOUDTRAIL_DESCRIBE_TRAILS,
            "",
            ct.describe_trails().include_shadow_trails(false).send(),
        )
        .await
    else {
        return;
    };
    let trails: Vec<_> = out.trail_list().to_vec();
    let found: Vec<Resource> = stream::iter(trails)
        .map(|t| {
            let ct = ct.clone();
            async move {
                let arn = t.trail_arn().unwrap_or_default().to_string();
                let name = t.name().unwrap_or_default().to_string();
                let (status, selectors) = futures::join!(
                    ctx.fetch(&ops::CLOUDTRAIL_GET_TRAIL_STATUS, &name, ct.get_trail_status().name(&arn).send()),
                    ctx.fetch(
                        &ops::CLOUDTRAIL_GET_EVENT_SELECTORS,
                        &name,
                        ct.get_event_selectors().trail_name(&arn).send()
                    ),
                );
                let mut r = ctx.resource(&arn, "aws_cloudtrail", &name, &ops::CLOUDTRAIL_DESCRIBE_TRAILS);
                set_all(
                    &mut r,
                    [
                        ("name", json!(name)),
                        ("kms_key_id", json!(t.kms_key_id())),
                        ("s3_bucket_name", json!(t.s3_bucket_name())),
                    ],
                );
                set_flags(
                    &mut r,
                    [
                        ("is_multi_region_trail", t.is_multi_region_trail()),
                        ("include_global_service_events", t.include_global_service_events()),
                        ("log_file_validation_enabled", t.log_file_validation_enabled()),
                        ("is_organization_trail", t.is_organization_trail()),
                    ],
                );
                match status {
                    Fetch::Got(s) => r.set_attribute("is_logging", json!(s.is_logging()), AttributeMeta::explicit()),
                    Fetch::Absent => {}
                    Fetch::Failed(u) => ctx.unread(&mut r, &["is_logging"], &u),
                }
                if let Fetch::Failed(u) = &selectors {
                    ctx.unread(&mut r, &["event_selectors", "advanced_event_selectors"], u);
                }
                if let Fetch::Got(s) = selectors {
                    let basic: Vec<Json> = s
                        .event_selectors()
                        .iter()
                        .map(|e| {
                            json!({
                                "read_write_type": e.read_write_type().map(|x| x.as_str()).unwrap_or("All"),
                                "include_management_events": e.include_management_events().unwrap_or(true),
                                "data_resources": e.data_resources().iter().map(|d| json!({
                                    "type": d.r#type(), "values": d.values(),
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    let advanced: Vec<Json> = s
                        .advanced_event_selectors()
                        .iter()
                        .map(|a| {
                            json!({
                                "name": a.name(),
                                "field_selectors": a.field_selectors().iter().map(|f| json!({
                                    "field": f.field(), "equals": f.equals(),
                                    "starts_with": f.starts_with(), "not_equals": f.not_equals(),
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    set_all(
                        &mut r,
                        [("event_selectors", json!(basic)), ("advanced_event_selectors", json!(advanced))],
                    );
                }
                r
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    ctx.push_all(found);
}

pub(crate) async fn collect_eks(ctx: &Ctx, conf: &aws_config::SdkConfig) {
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

pub(crate) async fn collect_elb(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let elb = watched!(ctx, aws_sdk_elasticloadbalancingv2, conf);
    let waf = watched!(ctx, aws_sdk_wafv2, conf);
    let pages = ctx
        .pages(
            &ops::ELB_DESCRIBE_LOAD_BALANCERS,
            "",
            elb.describe_load_balancers().into_paginator().send(),
        )
        .await;
    let lbs: Vec<_> = pages
        .iter()
        .flat_map(|p| p.load_balancers())
        .cloned()
        .collect();
    let found: Vec<Vec<Resource>> = stream::iter(lbs)
        .map(|lb| {
            let (elb, waf) = (elb.clone(), waf.clone());
            async move {
                let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
                let name = lb.load_balancer_name().unwrap_or_default().to_string();
                let kind = lb
                    .r#type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_else(|| "application".into());
                let web_acl = async {
                    if kind == "application" {
                        ctx.call_or_absent(
                            &ops::WAFV2_GET_WEB_ACL_FOR_RESOURCE,
                            &name,
                            &["WAFNonexistentItemException"],
                            waf.get_web_acl_for_resource().resource_arn(&arn).send(),
                        )
                        .await
                    } else {
                        Fetch::Absent
                    }
                };
                let (attrs, listeners, acl) = futures::join!(
                    ctx.fetch(
                        &ops::ELB_DESCRIBE_LOAD_BALANCER_ATTRIBUTES,
                        &name,
                        elb.describe_load_balancer_attributes()
                            .load_balancer_arn(&arn)
                            .send()
                    ),
                    ctx.pages(
                        &ops::ELB_DESCRIBE_LISTENERS,
                        &name,
                        elb.describe_listeners()
                            .load_balancer_arn(&arn)
                            .into_paginator()
                            .send()
                    ),
                    web_acl,
                );
                let mut r = ctx.resource(&arn, "aws_lb", &name, &ops::ELB_DESCRIBE_LOAD_BALANCERS);
                set_all(
                    &mut r,
                    [
                        ("name", json!(name)),
                        (
                            "internal",
                            json!(lb.scheme().is_some_and(|s| s.as_str() == "internal")),
                        ),
                        ("load_balancer_type", json!(kind)),
                    ],
                );
                if let Fetch::Failed(u) = &attrs {
                    ctx.unread(&mut r, &["drop_invalid_header_fields"], u);
                }
                if let Fetch::Got(a) = attrs {
                    let drop = a
                        .attributes()
                        .iter()
                        .find(|x| {
                            x.key() == Some("routing.http.drop_invalid_header_fields.enabled")
                        })
                        .is_some_and(|x| x.value() == Some("true"));
                    r.set_attribute(
                        "drop_invalid_header_fields",
                        json!(drop),
                        AttributeMeta::explicit(),
                    );
                }
                match acl {
                    Fetch::Got(o) => r.set_attribute(
                        "waf_web_acl",
                        json!(o.web_acl().map(|w| w.arn())),
                        AttributeMeta::explicit(),
                    ),
                    Fetch::Absent => {
                        r.set_attribute("waf_web_acl", Json::Null, AttributeMeta::explicit())
                    }
                    Fetch::Failed(u) => ctx.unread(&mut r, &["waf_web_acl"], &u),
                }
                let mut out = vec![r];
                for l in listeners.iter().flat_map(|p| p.listeners()) {
                    let larn = l.listener_arn().unwrap_or_default();
                    let mut lr = ctx.resource(
                        larn,
                        "aws_lb_listener",
                        &format!("{name}:{}", l.port().unwrap_or_default()),
                        &ops::ELB_DESCRIBE_LISTENERS,
                    );
                    let actions: Vec<Json> = l
                        .default_actions()
                        .iter()
                        .map(|a| {
                            json!({
                                "type": a.r#type().map(|t| t.as_str()),
                                "redirect_protocol": a.redirect_config().and_then(|c| c.protocol()),
                            })
                        })
                        .collect();
                    set_all(
                        &mut lr,
                        [
                            ("load_balancer_arn", json!(arn)),
                            ("port", json!(l.port())),
                            ("protocol", json!(l.protocol().map(|p| p.as_str()))),
                            ("ssl_policy", json!(l.ssl_policy())),
                            ("default_actions", json!(actions)),
                        ],
                    );
                    out.push(lr);
                }
                out
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    ctx.push_all(found.into_iter().flatten());
}
