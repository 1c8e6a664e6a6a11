//! SDK configuration: the standard credential chain, assumed roles per account, the regions to
//! read, and clients that also work against a local endpoint (`AWS_ENDPOINT_URL`, e.g. moto).

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use futures::stream::{self, StreamExt};
use std::sync::Arc;
use std::time::Duration;

use super::{ops, Ctx, LiveError, Options, Recorder};
use crate::model::Resource;

/// Attempts per call, the first included; adaptive mode also slows down on throttling.
const MAX_ATTEMPTS: u32 = 5;

/// One account to read, with credentials for it.
#[derive(Debug)]
pub(crate) struct Sdk {
    pub account: String,
    conf: SdkConfig,
}

impl Sdk {
    /// The configuration for one region.
    pub fn regional(&self, region: &str) -> SdkConfig {
        self.conf
            .to_builder()
            .region(Region::new(region.to_string()))
            .build()
    }

    /// The configuration of the account's home region (global services).
    pub fn global(&self) -> &SdkConfig {
        &self.conf
    }
}

/// S3 with path-style addressing when a custom endpoint is set: a local endpoint has no DNS
/// for `bucket.host`.
pub(crate) fn s3(ctx: &Ctx, conf: &SdkConfig) -> aws_sdk_s3::Client {
    let mut b = aws_sdk_s3::config::Builder::from(conf).interceptor(ctx.throttle_watch());
    if conf.endpoint_url().is_some() {
        b = b.force_path_style(true);
    }
    aws_sdk_s3::Client::from_conf(b.build())
}

/// S3 Control. Its operations put the account id in front of the host
/// (`123456789012.s3-control.…`); against a custom endpoint that name does not resolve, so the
/// endpoint is used as given. Real AWS endpoints are resolved as the SDK does.
pub(crate) fn s3control(ctx: &Ctx, conf: &SdkConfig) -> aws_sdk_s3control::Client {
    let mut b = aws_sdk_s3control::config::Builder::from(conf).interceptor(ctx.throttle_watch());
    if let Some(url) = conf.endpoint_url() {
        b = b.endpoint_resolver(FixedEndpoint(url.to_string()));
    }
    aws_sdk_s3control::Client::from_conf(b.build())
}

#[derive(Debug)]
struct FixedEndpoint(String);

/// Notes which operations were throttled on some attempt, so that a call that times out while
/// the SDK keeps backing off is reported as throttled rather than merely slow.
#[derive(Debug)]
pub(crate) struct ThrottleWatch(pub Arc<Recorder>);

impl aws_smithy_runtime_api::client::interceptors::Intercept for ThrottleWatch {
    fn name(&self) -> &'static str {
        "rampart-throttle-watch"
    }

    fn read_after_attempt(
        &self,
        context: &aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef<'_>,
        _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let Some(response) = context.response() else {
            // No answer at all (refused, reset, no route): kept, so that a call retried until
            // its time ran out says why it never got through.
            if let (Some(Err(e)), Some(meta)) = (
                context.output_or_error(),
                cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>(),
            ) {
                self.0.saw_transport_error(meta.name(), &transport_error(e));
            }
            return Ok(());
        };
        let body = response
            .body()
            .bytes()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let throttled = response.status().as_u16() == 429
            || super::ctx::THROTTLING_CODES
                .iter()
                .any(|c| body.contains(c));
        if throttled {
            if let Some(meta) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
            {
                self.0.saw_throttling(meta.name());
            }
        }
        Ok(())
    }
}

/// Why an attempt got no answer, in one line: the innermost cause (`Connection refused`).
fn transport_error(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    crate::model::excerpt(&cause.to_string())
}

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_smithy_types::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// The base configuration from the standard chain (environment, profile, SSO, web identity,
/// container and instance roles).
pub(crate) async fn load(opts: &Options) -> Result<SdkConfig, LiveError> {
    // rustls on ring, the crypto kube already uses; no C crypto library to build.
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::adaptive().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(opts.call_timeout / 2)
                .operation_timeout(opts.call_timeout)
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    let conf = loader.load().await;
    let conf = if conf.region().is_none() {
        // Global services need some region to sign for; us-east-1 is where they live.
        conf.to_builder()
            .region(Region::from_static("us-east-1"))
            .build()
    } else {
        conf
    };
    if conf.credentials_provider().is_none() {
        return Err(LiveError::Credentials(
            "no credentials found (environment, profile, SSO, web identity, container or instance role)".into(),
        ));
    }
    Ok(conf)
}

/// Configuration with credentials of an assumed role.
async fn assume(base: &SdkConfig, role_arn: &str, external_id: Option<&str>) -> SdkConfig {
    let mut b = aws_config::sts::AssumeRoleProvider::builder(role_arn).session_name("rampart");
    if let Some(id) = external_id {
        b = b.external_id(id);
    }
    let provider = b.configure(base).build().await;
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}

/// Every account to read, each with credentials, identified by `sts:GetCallerIdentity`. An
/// account whose role cannot be assumed is a coverage error for everything in it.
///
/// With `--organization`, the first shard also reads the service control policies that apply
/// to the accounts (returned as resources).
pub(crate) async fn targets(
    opts: &Options,
    base: &SdkConfig,
    recorder: &Arc<Recorder>,
    deadline: tokio::time::Instant,
) -> Result<(Vec<Arc<Sdk>>, Vec<Resource>), LiveError> {
    let ctx = |account: &str| Ctx::new(account, None, recorder, deadline, opts.concurrency.max(1));
    let role_for = |account: &str| -> Result<String, LiveError> {
        if account.starts_with("arn:") {
            return Ok(account.to_string());
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LiveError::Options(format!(
                "{account:?} is neither a 12-digit account id nor a role ARN"
            )));
        }
        let name = opts.role_name.as_deref().ok_or_else(|| {
            LiveError::Options(format!(
                "account {account}: give --role-name (the role to assume in each account) or a role ARN"
            ))
        })?;
        Ok(format!("arn:aws:iam::{account}:role/{name}"))
    };

    let base = match &opts.role_arn {
        Some(arn) => assume(base, arn, opts.external_id.as_deref()).await,
        None => base.clone(),
    };
    let mut wanted: Vec<String> = opts.accounts.clone();
    let mut policies = Vec::new();
    if opts.organization {
        let org_ctx = ctx("organization");
        let org = watched!(org_ctx, aws_sdk_organizations, &base);
        let pages = org_ctx
            .pages(
                &ops::ORG_LIST_ACCOUNTS,
                "",
                org.list_accounts().into_paginator().send(),
            )
            .await;
        let scope = org_ctx.scope(&ops::ORG_LIST_ACCOUNTS);
        if !recorder.failures(&scope).is_empty() {
            // Accounts not listed are not read: every rule on AWS data is unassessed.
            recorder.unreadable_account(&scope);
        }
        wanted.extend(pages.iter().flat_map(|p| p.accounts()).filter_map(|a| {
            let active = a
                .state()
                .map(|s| s.as_str() == "ACTIVE")
                .or_else(|| a.status().map(|s| s.as_str() == "ACTIVE"))
                .unwrap_or(true);
            active.then(|| a.id().map(str::to_string)).flatten()
        }));
        if opts.shard.index == 0 && !wanted.is_empty() {
            policies = super::organization::service_control_policies(&org_ctx, &org, &wanted).await;
        }
    }
    wanted.sort();
    wanted.dedup();

    let mut out = Vec::new();
    // With --organization and no account listed (the listing failed, and is a coverage error),
    // nothing is read: the caller's own account alone would pass for the organization.
    if wanted.is_empty() && !opts.organization {
        let caller = ctx("caller");
        let sts = watched!(caller, aws_sdk_sts, &base);
        let who = caller
            .call(
                &ops::STS_GET_CALLER_IDENTITY,
                "",
                sts.get_caller_identity().send(),
            )
            .await
            .ok_or_else(|| {
                let why = recorder.failures(&caller.scope(&ops::STS_GET_CALLER_IDENTITY));
                LiveError::Identity(format!("sts:GetCallerIdentity failed: {why}"))
            })?;
        out.push(Arc::new(Sdk {
            account: who.account().unwrap_or("unknown").to_string(),
            conf: base,
        }));
        return Ok((out, policies));
    }
    let roles: Vec<String> = wanted
        .iter()
        .map(|w| role_for(w))
        .collect::<Result<_, _>>()?;
    // Accounts are entered concurrently; each one's identity check is its own coverage entry.
    let entered: Vec<Option<Sdk>> = stream::iter(roles)
        .map(|role| {
            let base = &base;
            async move {
                let account = role.split(':').nth(4).unwrap_or_default().to_string();
                let conf = assume(base, &role, opts.external_id.as_deref()).await;
                let c = ctx(&account);
                let sts = watched!(c, aws_sdk_sts, &conf);
                let who = c
                    .call(
                        &ops::STS_GET_CALLER_IDENTITY,
                        &role,
                        sts.get_caller_identity().send(),
                    )
                    .await;
                if who.is_none() {
                    recorder.unreadable_account(&c.scope(&ops::STS_GET_CALLER_IDENTITY));
                }
                who.map(|_| Sdk { account, conf })
            }
        })
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    out.extend(entered.into_iter().flatten().map(Arc::new));
    Ok((out, policies))
}

/// The regions to read: as given, or every region enabled for the account.
pub(crate) async fn regions(
    opts: &Options,
    sdk: &Sdk,
    recorder: &Arc<Recorder>,
    deadline: tokio::time::Instant,
) -> Vec<String> {
    if let Some(r) = &opts.regions {
        return r.clone();
    }
    let ctx = Ctx::new(&sdk.account, None, recorder, deadline, 1);
    let ec2 = watched!(ctx, aws_sdk_ec2, sdk.global());
    match ctx
        .call(
            &ops::EC2_DESCRIBE_REGIONS,
            "",
            ec2.describe_regions().send(),
        )
        .await
    {
        Some(out) => {
            let mut r: Vec<String> = out
                .regions()
                .iter()
                .filter_map(|r| r.region_name().map(str::to_string))
                .collect();
            r.sort();
            r
        }
        // The failure is recorded; read at least the configured region.
        None => sdk
            .global()
            .region()
            .map(|r| vec![r.to_string()])
            .unwrap_or_default(),
    }
}
