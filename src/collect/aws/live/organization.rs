//! Service control policies of the organization, read from the management account with
//! `--organization`: each account's path from the root, and every SCP attached to the root, the
//! OUs on the way and the account. They go through the same importer as
//! `scripts/record-organization` output, so the IAM analysis applies them as it does recorded ones.

use futures::stream::{self, StreamExt};
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

use super::{ops, Ctx};
use crate::collect::aws::organizations;

/// Resources for the accounts' paths and the SCPs that apply to them.
pub(crate) async fn service_control_policies(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    accounts: &[String],
) -> Vec<crate::model::Resource> {
    // Each account's path: its parents up to the root.
    let paths: Vec<(String, Option<Vec<String>>)> = stream::iter(accounts.to_vec())
        .map(|account| async move {
            let mut path = Vec::new();
            let mut child = account.clone();
            loop {
                let Some(out) = ctx
                    .call(
                        &ops::ORG_LIST_PARENTS,
                        &child,
                        org.list_parents().child_id(&child).send(),
                    )
                    .await
                else {
                    return (account, None);
                };
                let Some(parent) = out.parents().first() else {
                    return (account, None);
                };
                let id = parent.id().unwrap_or_default().to_string();
                path.insert(0, id.clone());
                if parent.r#type().is_none_or(|t| t.as_str() == "ROOT") || path.len() > 10 {
                    return (account, Some(path));
                }
                child = id;
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;

    // Every target once: the root, the OUs and the accounts.
    let mut targets: BTreeSet<String> = BTreeSet::new();
    for (account, path) in &paths {
        targets.insert(account.clone());
        targets.extend(path.iter().flatten().cloned());
    }
    let attached: Vec<(String, Vec<(String, String)>)> = stream::iter(targets)
        .map(|target| async move {
            let pages = ctx
                .pages(
                    &ops::ORG_LIST_POLICIES_FOR_TARGET,
                    &target,
                    org.list_policies_for_target()
                        .target_id(&target)
                        .filter(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
                        .into_paginator()
                        .send(),
                )
                .await;
            let policies = pages
                .iter()
                .flat_map(|p| p.policies())
                .filter_map(|p| {
                    Some((
                        p.id()?.to_string(),
                        p.name().unwrap_or_default().to_string(),
                    ))
                })
                .collect();
            (target, policies)
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    let mut policies: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for (target, list) in attached {
        for (id, name) in list {
            policies
                .entry(id)
                .or_insert_with(|| (name, Vec::new()))
                .1
                .push(target.clone());
        }
    }
    let described: Vec<Json> = stream::iter(policies)
        .map(|(id, (name, mut targets))| async move {
            targets.sort();
            let content = ctx
                .call(
                    &ops::ORG_DESCRIBE_POLICY,
                    &id,
                    org.describe_policy().policy_id(&id).send(),
                )
                .await
                .and_then(|o| o.policy()?.content().map(str::to_string))?;
            Some(json!({"Id": id, "Name": name, "Type": "SERVICE_CONTROL_POLICY", "Content": content, "Targets": targets}))
        })
        .buffer_unordered(ctx.concurrency)
        .filter_map(|p| async move { p })
        .collect()
        .await;
    let mut described = described;
    described.sort_by(|a, b| a["Id"].as_str().cmp(&b["Id"].as_str()));
    let mut accounts_doc: Vec<Json> = paths
        .into_iter()
        .filter_map(|(id, path)| Some(json!({"Id": id, "Path": path?})))
        .collect();
    accounts_doc.sort_by(|a, b| a["Id"].as_str().cmp(&b["Id"].as_str()));
    let doc = json!({"Organization": {"Accounts": accounts_doc, "Policies": described}});
    let (resources, diags) = organizations::import(&doc, "aws/organization");
    for d in diags {
        // An unreadable SCP would silently widen what principals may do: a coverage error.
        ctx.record_failure(&ops::ORG_DESCRIBE_POLICY, &d.message);
    }
    resources
}
