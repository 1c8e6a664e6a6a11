//! The live AWS account through the AWS SDK: credentials and regions by the standard chain
//! (`aws-config`), every list paginated, the SDK's adaptive retry, a per-call timeout and an
//! overall deadline. Every (account, region, service, operation) outcome becomes a coverage entry;
//! a call that is denied, throttled past its retries or timed out makes exactly the rules that
//! needed its data report `error`, so "could not look" is never read as "looked and it was fine".
//!
//! Resources get the types and attribute names the Terraform adapters produce, so one rule judges
//! both. Collectors only read: [`ops`] lists every operation and the IAM action behind it.

/// An SDK client for `$conf` that reports throttled attempts to the unit's recorder.
macro_rules! watched {
    ($ctx:expr, $sdk:ident, $conf:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($conf)
                .interceptor($ctx.throttle_watch())
                .build(),
        )
    };
}

pub(crate) use watched;

pub(crate) mod client;
mod ctx;
pub mod ops;
pub(crate) mod organization;
mod recorder;

pub(crate) use ctx::{policy_json, set_all, set_flags, tag_map, when, Ctx, Fetch, Unread};
use recorder::Recorder;

use crate::aws::ec2;

use futures::future::LocalBoxFuture;
use futures::stream::{self, StreamExt};
use std::sync::Arc;
use std::time::Duration;

use crate::model::{CoverageEntry, Resource};
use client::Sdk;

/// How a service's collector is run: once per account (global services: IAM, S3, which read each
/// bucket in its own region), or once per account and region.
pub(crate) enum Collector {
    Global(for<'a> fn(&'a Ctx, &'a Sdk) -> LocalBoxFuture<'a, ()>),
    Regional(for<'a> fn(&'a Ctx, &'a aws_config::SdkConfig) -> LocalBoxFuture<'a, ()>),
}

/// A service rampart reads live, selectable with `--services` by its name; each service folder
/// (`crate::aws::<service>`) declares its own.
pub(crate) struct LiveService {
    pub name: &'static str,
    pub collector: Collector,
}

/// The services rampart reads, by name.
pub fn services() -> impl Iterator<Item = &'static str> {
    crate::aws::LIVE_SERVICES.iter().map(|s| s.name)
}

/// What to collect and how. The command line holds the defaults.
#[derive(Debug, Clone)]
pub struct Options {
    /// A named profile of the shared config (`--profile`); otherwise the standard chain.
    pub profile: Option<String>,
    /// Regions to read; `None` reads every region enabled for the account.
    pub regions: Option<Vec<String>>,
    /// Assume this role first (`--role-arn`), with an optional external id.
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    /// Accounts to read: 12-digit ids (with `role_name`) or role ARNs, from `--accounts FILE`.
    pub accounts: Vec<String>,
    /// Read every active account of the organization (`organizations:ListAccounts`).
    pub organization: bool,
    /// The role assumed in each account of `accounts` or of the organization.
    pub role_name: Option<String>,
    /// Services to read (default: all of [`services`]).
    pub services: Vec<String>,
    /// This process's share of the account × region work.
    pub shard: Shard,
    /// Concurrent calls per service and region.
    pub concurrency: usize,
    /// Time allowed for one API call, retries included.
    pub call_timeout: Duration,
    /// Time allowed for the whole collection; what is not read by then is a coverage error.
    pub deadline: Duration,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

/// `K/N`: this process takes every N-th unit of work starting at the K-th (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Default for Shard {
    /// All of the work.
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl std::str::FromStr for Shard {
    type Err = crate::model::BadValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || crate::model::BadValue::new(s, "K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }
}

/// What the collectors found and what they could not read.
#[derive(Debug, Default)]
pub struct Collected {
    pub resources: Vec<Resource>,
    pub coverage: Vec<CoverageEntry>,
    /// `aws:ACCOUNT` for each account read.
    pub sources: Vec<String>,
}

/// Errors that stop collection before any account is read.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("AWS credentials: {0}")]
    Credentials(String),
    #[error("cannot tell which AWS account is being read: {0}")]
    Identity(String),
    #[error("{0}")]
    Options(String),
    #[error("could not start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Collects every account and region asked for.
pub fn collect(opts: &Options) -> Result<Collected, LiveError> {
    for s in &opts.services {
        if !services().any(|known| known == s) {
            return Err(LiveError::Options(format!(
                "unknown service {s:?} (known: {})",
                services().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(collect_async(opts))
}

/// One unit of sharded work: an account's global services, or one region of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Unit {
    account: String,
    /// `None` for the global services (IAM, S3, account settings).
    region: Option<String>,
}

async fn collect_async(opts: &Options) -> Result<Collected, LiveError> {
    let recorder = Arc::new(Recorder::default());
    let deadline = tokio::time::Instant::now() + opts.deadline;
    let base = client::load(opts).await?;
    let (targets, policies) = client::targets(opts, &base, &recorder, deadline).await?;

    // The units of every account, in one deterministic order, then this shard's share.
    let regions: Vec<Vec<String>> = stream::iter(&targets)
        .map(|t| client::regions(opts, t, &recorder, deadline))
        .buffered(opts.concurrency.max(1))
        .collect()
        .await;
    let mut units: Vec<(Unit, Arc<Sdk>)> = Vec::new();
    for (t, regions) in targets.iter().zip(regions) {
        units.extend(
            std::iter::once(None)
                .chain(regions.into_iter().map(Some))
                .map(|region| {
                    let unit = Unit {
                        account: t.account.clone(),
                        region,
                    };
                    (unit, t.clone())
                }),
        );
    }
    units.sort_by(|a, b| a.0.cmp(&b.0));
    let mine: Vec<(Unit, Arc<Sdk>)> = units
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % opts.shard.count == opts.shard.index)
        .map(|(_, u)| u)
        .collect();

    let progress = opts.progress.then(|| {
        let bar = indicatif::ProgressBar::new(mine.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            )
            .expect("valid template"),
        );
        bar
    });
    let wanted = |s: &str| opts.services.is_empty() || opts.services.iter().any(|x| x == s);
    let per_unit: Vec<Vec<Resource>> = stream::iter(mine)
        .map(|(unit, sdk)| {
            let recorder = recorder.clone();
            let progress = progress.clone();
            async move {
                let label = format!(
                    "{}/{}",
                    unit.account,
                    unit.region.as_deref().unwrap_or("global")
                );
                tracing::info!(unit = %label, "collecting");
                let ctx = Ctx::new(
                    &unit.account,
                    unit.region.clone(),
                    &recorder,
                    deadline,
                    opts.concurrency.max(1),
                );
                let wanted = crate::aws::LIVE_SERVICES
                    .iter()
                    .filter(|service| wanted(service.name));
                let conf = unit.region.as_deref().map(|region| sdk.regional(region));
                let runs: Vec<LocalBoxFuture<'_, ()>> = wanted
                    .filter_map(|service| match (&service.collector, &conf) {
                        (Collector::Global(collect), None) => Some(collect(&ctx, &sdk)),
                        (Collector::Regional(collect), Some(conf)) => Some(collect(&ctx, conf)),
                        _ => None,
                    })
                    .collect();
                futures::future::join_all(runs).await;
                let mut found = ctx.out.into_inner().expect("not poisoned");
                ec2::live::derive(&mut found);
                tracing::info!(unit = %label, resources = found.len(), "collected");
                if let Some(bar) = &progress {
                    bar.set_message(label);
                    bar.inc(1);
                }
                found
            }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut resources = policies;
    resources.extend(per_unit.into_iter().flatten());
    for (resource_type, calls) in recorder.calls_by_type() {
        tracing::info!(resource_type, calls, "requests");
    }
    Ok(Collected {
        resources,
        coverage: recorder.entries(),
        sources: targets
            .iter()
            .map(|t| format!("aws:{}", t.account))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::ctx::error_code_in;
    use super::*;
    use crate::model::CoverageStatus;

    #[test]
    fn error_codes_are_found_in_foreign_bodies() {
        assert_eq!(
            error_code_in("<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code></Error></Errors></ErrorResponse>").as_deref(),
            Some("SignatureDoesNotMatch")
        );
        assert_eq!(
            error_code_in(r#"{"__type": "com.amazon#AccessDeniedException"}"#).as_deref(),
            Some("AccessDeniedException")
        );
        assert_eq!(error_code_in("<html>oops</html>"), None);
    }

    #[test]
    fn shards_parse_and_reject_nonsense() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    #[test]
    fn failed_calls_name_their_types_and_subjects() {
        let r = Recorder::default();
        r.record(
            "aws/1/global/s3/GetBucketPolicy".into(),
            &ops::S3_GET_BUCKET_POLICY,
            None,
        );
        r.record(
            "aws/1/global/s3/GetBucketPolicy".into(),
            &ops::S3_GET_BUCKET_POLICY,
            Some("records: access denied".into()),
        );
        let e = r.entries();
        assert_eq!(e[0].status, CoverageStatus::Error);
        assert_eq!(e[0].resource_types, vec!["aws_s3_bucket".to_string()]);
        assert_eq!(e[0].detail, "1 of 2 call(s) failed: records: access denied");
    }
}
