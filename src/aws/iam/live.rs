//! IAM from the API: the authorization details, credentials (the credential report), the
//! password policy and identity providers.

use futures::stream::StreamExt;
use serde_json::{json, Value as Json};

use crate::collect::aws::live::{ops, set_all, watched, when, Ctx, Fetch, Unread};
use crate::collect::aws::{authorization_details, credential_report};
use crate::model::{AttributeMeta, Resource};
use aws_sdk_iam::types::EntityType;

/// Polls of GetCredentialReport while AWS generates it (it takes seconds for large accounts).
const REPORT_POLLS: u32 = 30;

pub(crate) async fn collect(ctx: &Ctx, sdk: &crate::collect::aws::live::client::Sdk) {
    let iam = watched!(ctx, aws_sdk_iam, sdk.global());
    futures::join!(
        authorization(ctx, &iam),
        credentials(ctx, &iam),
        password_policy(ctx, &iam),
        providers(ctx, &iam),
    );
}

async fn authorization(ctx: &Ctx, iam: &aws_sdk_iam::Client) {
    // AWS managed policies are left out here (a thousand policies per account); the ones
    // attached in the account are read below, as they are now.
    let pages = ctx
        .pages(
            &ops::IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS,
            "",
            iam.get_account_authorization_details()
                .set_filter(Some(vec![
                    EntityType::User,
                    EntityType::Role,
                    EntityType::Group,
                    EntityType::LocalManagedPolicy,
                ]))
                .into_paginator()
                .send(),
        )
        .await;
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut roles = Vec::new();
    let mut policies = Vec::new();
    for p in &pages {
        users.extend(p.user_detail_list().iter().map(|u| {
            json!({
                "UserName": u.user_name(), "Arn": u.arn(), "Path": u.path(),
                "CreateDate": when(u.create_date()),
                "GroupList": u.group_list(),
                "UserPolicyList": inline(u.user_policy_list()),
                "AttachedManagedPolicies": attached(u.attached_managed_policies()),
                "PermissionsBoundary": boundary(u.permissions_boundary()),
                "Tags": tags(u.tags()),
            })
        }));
        groups.extend(p.group_detail_list().iter().map(|g| {
            json!({
                "GroupName": g.group_name(), "Arn": g.arn(), "Path": g.path(),
                "GroupPolicyList": inline(g.group_policy_list()),
                "AttachedManagedPolicies": attached(g.attached_managed_policies()),
            })
        }));
        roles.extend(p.role_detail_list().iter().map(|r| {
            json!({
                "RoleName": r.role_name(), "Arn": r.arn(), "Path": r.path(),
                "CreateDate": when(r.create_date()),
                "AssumeRolePolicyDocument": r.assume_role_policy_document(),
                "RolePolicyList": inline(r.role_policy_list()),
                "AttachedManagedPolicies": attached(r.attached_managed_policies()),
                "PermissionsBoundary": boundary(r.permissions_boundary()),
                "RoleLastUsed": {"LastUsedDate": when(r.role_last_used().and_then(|l| l.last_used_date()))},
                "InstanceProfileList": r.instance_profile_list().iter().map(|i| json!({"InstanceProfileName": i.instance_profile_name(), "Arn": i.arn()})).collect::<Vec<_>>(),
                "Tags": tags(r.tags()),
            })
        }));
        policies.extend(p.policies().iter().map(|m| {
            json!({
                // The name is the ARN's last segment; some emulators (moto) leave PolicyName out.
                "PolicyName": m.policy_name().or_else(|| m.arn().and_then(|a| a.rsplit('/').next())),
                "Arn": m.arn(), "Path": m.path(),
                "AttachmentCount": m.attachment_count(),
                "PermissionsBoundaryUsageCount": m.permissions_boundary_usage_count(),
                "PolicyVersionList": m.policy_version_list().iter().map(|v| json!({
                    "Document": v.document(), "IsDefaultVersion": v.is_default_version(),
                })).collect::<Vec<_>>(),
            })
        }));
    }
    let (attached_aws, unread) = attached_aws_managed(ctx, iam).await;
    policies.extend(attached_aws);
    let doc = json!({
        "UserDetailList": users, "GroupDetailList": groups,
        "RoleDetailList": roles, "Policies": policies,
    });
    let mut found = authorization_details::import(&doc);
    for r in &mut found {
        r.account = Some(ctx.account.clone());
        mark_unread_documents(ctx, r, &unread);
    }
    ctx.push_all(found);
}

/// The AWS managed policies attached in the account, with their default versions' documents as
/// the account sees them today (`ListPolicies` with `OnlyAttached`, then `GetPolicyVersion`),
/// in the shape the authorization details give local policies. Those whose document could not
/// be read are returned apart, with why.
async fn attached_aws_managed(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
) -> (Vec<Json>, Vec<(String, Unread)>) {
    let listed = match ctx
        .fetch_pages(
            &ops::IAM_LIST_POLICIES,
            "",
            iam.list_policies()
                .scope(aws_sdk_iam::types::PolicyScopeType::Aws)
                .only_attached(true)
                .into_paginator()
                .send(),
        )
        .await
    {
        Ok(pages) => pages,
        // Recorded against the principal types: their AWS managed policies are not read.
        Err(_) => return (Vec::new(), Vec::new()),
    };
    let wanted: Vec<(String, String)> = listed
        .iter()
        .flat_map(|p| p.policies())
        .filter_map(|p| Some((p.arn()?.to_string(), p.default_version_id()?.to_string())))
        .collect();
    let read: Vec<(String, Fetch<_>)> = futures::stream::iter(wanted)
        .map(|(arn, version)| async move {
            let out = ctx
                .fetch(
                    &ops::IAM_GET_POLICY_VERSION,
                    &arn,
                    iam.get_policy_version()
                        .policy_arn(&arn)
                        .version_id(&version)
                        .send(),
                )
                .await;
            (arn, out)
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    let mut found = Vec::new();
    let mut unread = Vec::new();
    for (arn, out) in read {
        match out {
            Fetch::Got(v) => found.push(json!({
                "PolicyName": arn.rsplit('/').next(),
                "Arn": arn,
                "PolicyVersionList": [{
                    "Document": v.policy_version().and_then(|p| p.document()),
                    "IsDefaultVersion": true,
                }],
            })),
            Fetch::Absent => {}
            Fetch::Failed(u) => unread.push((arn, u)),
        }
    }
    (found, unread)
}

/// A principal's AWS managed policies whose documents could not be read live are unread, not
/// taken from rampart's snapshot of them: the account's version may differ.
fn mark_unread_documents(ctx: &Ctx, r: &mut Resource, unread: &[(String, Unread)]) {
    let Some(list) = r.attribute("policies").and_then(Json::as_array) else {
        return;
    };
    let hits: Vec<(usize, usize)> = list
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let arn = p["arn"].as_str()?;
            unread.iter().position(|(a, _)| a == arn).map(|u| (i, u))
        })
        .collect();
    for (i, u) in hits {
        ctx.unread(r, &[&format!("policies.{i}.document")], &unread[u].1);
    }
}

fn inline(list: &[aws_sdk_iam::types::PolicyDetail]) -> Json {
    list.iter()
        .map(|p| json!({"PolicyName": p.policy_name(), "PolicyDocument": p.policy_document()}))
        .collect()
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Json {
    list.iter()
        .map(|p| json!({"PolicyName": p.policy_name(), "PolicyArn": p.policy_arn()}))
        .collect()
}

fn boundary(b: Option<&aws_sdk_iam::types::AttachedPermissionsBoundary>) -> Json {
    json!({"PermissionsBoundaryArn": b.and_then(|b| b.permissions_boundary_arn())})
}

fn tags(list: &[aws_sdk_iam::types::Tag]) -> Json {
    list.iter()
        .map(|t| json!({"Key": t.key(), "Value": t.value()}))
        .collect()
}

/// The credential report, with the root user's row completed from the account summary and the
/// virtual MFA devices when the report lacks it.
async fn credentials(ctx: &Ctx, iam: &aws_sdk_iam::Client) {
    let (report, summary, mfa) = futures::join!(
        credential_report_text(ctx, iam),
        ctx.call(
            &ops::IAM_GET_ACCOUNT_SUMMARY,
            "",
            iam.get_account_summary().send(),
        ),
        ctx.pages(
            &ops::IAM_LIST_VIRTUAL_MFA_DEVICES,
            "",
            iam.list_virtual_mfa_devices()
                .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Assigned)
                .into_paginator()
                .send(),
        ),
    );
    let root_virtual_mfa = mfa
        .iter()
        .flat_map(|p| p.virtual_mfa_devices())
        .any(|d| d.serial_number().ends_with(":mfa/root-account-mfa-device"));

    if let Some(map) = summary.as_ref().and_then(|s| s.summary_map()) {
        let mut r = ctx.resource(
            &format!("aws:{}:account-summary", ctx.account),
            "aws_iam_account_summary",
            "IAM account summary",
            &ops::IAM_GET_ACCOUNT_SUMMARY,
        );
        let counts: std::collections::BTreeMap<&str, i32> =
            map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        r.set_attribute("summary", json!(counts), AttributeMeta::explicit());
        ctx.push(r);
    }
    let Some(text) = report else { return };
    let rel = format!("aws/{}/credential-report.csv", ctx.account);
    let (mut found, diags) = credential_report::import(&text, &rel);
    for d in diags {
        // A row that cannot be read is a user whose credentials go unjudged.
        ctx.record_failure(&ops::IAM_GET_CREDENTIAL_REPORT, &d.message);
    }
    for r in &mut found {
        // The CSV exists only in memory: findings point at the snapshot entry instead.
        r.origin.span = None;
        r.account = Some(ctx.account.clone());
        if r.attributes["root"] == json!(true) {
            r.attributes["mfa_virtual"] = json!(root_virtual_mfa);
        }
    }
    if !found.iter().any(|r| r.attributes["root"] == json!(true)) {
        match summary.as_ref().and_then(|s| s.summary_map()) {
            Some(map) => found.push(root_from_summary(ctx, map, root_virtual_mfa)),
            None => ctx.record_failure(
                &ops::IAM_GET_CREDENTIAL_REPORT,
                "the report has no root row and the account summary could not be read",
            ),
        }
    }
    ctx.push_all(found);
}

/// The report's root row is missing in some environments (moto): MFA and access keys of root are
/// in the account summary too. Its last use is unknown and stays null.
fn root_from_summary(
    ctx: &Ctx,
    map: &std::collections::HashMap<aws_sdk_iam::types::SummaryKeyType, i32>,
    virtual_mfa: bool,
) -> Resource {
    use aws_sdk_iam::types::SummaryKeyType as K;
    let arn = format!("arn:aws:iam::{}:root", ctx.account);
    let mut r = ctx.resource(
        &format!("credentials:{arn}"),
        credential_report::RESOURCE_TYPE,
        "<root_account>",
        &ops::IAM_GET_ACCOUNT_SUMMARY,
    );
    let keys = map.get(&K::AccountAccessKeysPresent).copied().unwrap_or(0) > 0;
    r.attributes = json!({
        "user": "<root_account>",
        "arn": arn,
        "root": true,
        "created": null,
        "password_enabled": null,
        "password_last_used": null,
        "password_last_changed": null,
        "mfa_active": map.get(&K::AccountMfaEnabled).copied().unwrap_or(0) > 0,
        "mfa_virtual": virtual_mfa,
        // The summary says whether root has keys, not how many or which: one stands for them.
        "access_keys": [{"number": 1, "active": keys, "last_rotated": null, "last_used": null}],
    });
    r
}

async fn credential_report_text(ctx: &Ctx, iam: &aws_sdk_iam::Client) -> Option<String> {
    ctx.call(
        &ops::IAM_GENERATE_CREDENTIAL_REPORT,
        "",
        iam.generate_credential_report().send(),
    )
    .await?;
    for _ in 0..REPORT_POLLS {
        match ctx
            .call_or_absent(
                &ops::IAM_GET_CREDENTIAL_REPORT,
                "",
                &["ReportInProgress", "ReportNotPresent"],
                iam.get_credential_report().send(),
            )
            .await
        {
            Fetch::Got(out) => {
                let bytes = out
                    .content()
                    .map(|b| b.as_ref().to_vec())
                    .unwrap_or_default();
                return Some(String::from_utf8_lossy(&bytes).into_owned());
            }
            Fetch::Absent => tokio::time::sleep(std::time::Duration::from_secs(2)).await,
            Fetch::Failed(_) => return None,
        }
    }
    ctx.record_failure(
        &ops::IAM_GET_CREDENTIAL_REPORT,
        "report not ready after a minute",
    );
    None
}

async fn password_policy(ctx: &Ctx, iam: &aws_sdk_iam::Client) {
    let fetched = ctx
        .call_or_absent(
            &ops::IAM_GET_ACCOUNT_PASSWORD_POLICY,
            "",
            &["NoSuchEntity"],
            iam.get_account_password_policy().send(),
        )
        .await;
    let mut r = ctx.resource(
        &format!("aws:{}:password-policy", ctx.account),
        "aws_iam_account_password_policy",
        "account password policy",
        &ops::IAM_GET_ACCOUNT_PASSWORD_POLICY,
    );
    let policy = match fetched {
        Fetch::Got(out) => out.password_policy().cloned(),
        Fetch::Absent => None,
        // Recorded against the type: no password policy resource, IAM-07 reports `error`.
        Fetch::Failed(_) => return,
    };
    match policy {
        Some(p) => {
            set_all(
                &mut r,
                [
                    (
                        "minimum_password_length",
                        json!(p.minimum_password_length()),
                    ),
                    (
                        "password_reuse_prevention",
                        json!(p.password_reuse_prevention()),
                    ),
                    ("require_symbols", json!(p.require_symbols())),
                    ("require_numbers", json!(p.require_numbers())),
                    (
                        "require_uppercase_characters",
                        json!(p.require_uppercase_characters()),
                    ),
                    (
                        "require_lowercase_characters",
                        json!(p.require_lowercase_characters()),
                    ),
                    ("max_password_age", json!(p.max_password_age())),
                ],
            );
        }
        // No policy: IAM's defaults apply (8 characters, nothing else required).
        None => {
            for (k, v) in [
                ("minimum_password_length", json!(8)),
                ("password_reuse_prevention", Json::Null),
                ("require_symbols", json!(false)),
                ("require_numbers", json!(false)),
                ("require_uppercase_characters", json!(false)),
                ("require_lowercase_characters", json!(false)),
                ("max_password_age", Json::Null),
            ] {
                r.set_attribute(k, v, AttributeMeta::aws_default());
            }
        }
    }
    ctx.push(r);
}

async fn providers(ctx: &Ctx, iam: &aws_sdk_iam::Client) {
    if let Some(out) = ctx
        .call(
            &ops::IAM_LIST_SAML_PROVIDERS,
            "",
            iam.list_saml_providers().send(),
        )
        .await
    {
        for p in out.saml_provider_list() {
            let arn = p.arn().unwrap_or_default();
            let mut r = ctx.resource(
                arn,
                "aws_iam_saml_provider",
                arn.rsplit('/').next().unwrap_or(arn),
                &ops::IAM_LIST_SAML_PROVIDERS,
            );
            set_all(
                &mut r,
                [("arn", json!(arn)), ("valid_until", when(p.valid_until()))],
            );
            ctx.push(r);
        }
    }
    if let Some(out) = ctx
        .call(
            &ops::IAM_LIST_OIDC_PROVIDERS,
            "",
            iam.list_open_id_connect_providers().send(),
        )
        .await
    {
        for p in out.open_id_connect_provider_list() {
            let arn = p.arn().unwrap_or_default();
            let url = arn
                .split_once(":oidc-provider/")
                .map(|(_, u)| u)
                .unwrap_or(arn);
            let mut r = ctx.resource(
                arn,
                "aws_iam_openid_connect_provider",
                url,
                &ops::IAM_LIST_OIDC_PROVIDERS,
            );
            r.set_attribute("url", json!(url), AttributeMeta::explicit());
            ctx.push(r);
        }
    }
}
