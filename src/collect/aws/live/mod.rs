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
pub mod ops;
pub(crate) mod organization;

use crate::aws::{cloudtrail, dynamodb, ec2, eks, elb, iam, kms, rds, s3};

use futures::stream::{self, StreamExt};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::model::{Attr, AttributeMeta, CoverageEntry, CoverageStatus, Origin, Resource};
use client::Sdk;
use ops::Op;

/// The services rampart reads, selectable with `--services`.
pub const SERVICES: [&str; 9] = [
    "iam",
    "ec2",
    "s3",
    "kms",
    "rds",
    "dynamodb",
    "cloudtrail",
    "eks",
    "elbv2",
];

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
    /// Services to read (default: all of [`SERVICES`]).
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
        if !SERVICES.contains(&s.as_str()) {
            return Err(LiveError::Options(format!(
                "unknown service {s:?} (known: {})",
                SERVICES.join(", ")
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
                match &unit.region {
                    None => {
                        futures::join!(
                            if_wanted(wanted("iam"), iam::live::collect(&ctx, &sdk)),
                            if_wanted(wanted("s3"), s3::live::collect(&ctx, &sdk)),
                        );
                    }
                    Some(region) => {
                        let conf = sdk.regional(region);
                        futures::join!(
                            if_wanted(wanted("ec2"), ec2::live::collect(&ctx, &conf)),
                            if_wanted(wanted("kms"), kms::live::collect_kms(&ctx, &conf)),
                            if_wanted(wanted("rds"), rds::live::collect_rds(&ctx, &conf)),
                            if_wanted(
                                wanted("dynamodb"),
                                dynamodb::live::collect_dynamodb(&ctx, &conf)
                            ),
                            if_wanted(
                                wanted("cloudtrail"),
                                cloudtrail::live::collect_cloudtrail(&ctx, &conf)
                            ),
                            if_wanted(wanted("eks"), eks::live::collect_eks(&ctx, &conf)),
                            if_wanted(wanted("elbv2"), elb::live::collect_elb(&ctx, &conf)),
                        );
                    }
                }
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

/// Runs a service's collector if the service was asked for (a future does nothing until awaited).
async fn if_wanted(wanted: bool, collect: impl std::future::Future<Output = ()>) {
    if wanted {
        collect.await
    }
}

/// The outcome of one kind of call in one account and region.
#[derive(Debug, Default)]
struct OpRecord {
    types: Vec<String>,
    calls: usize,
    /// `subject: reason` of each failed call.
    failures: Vec<String>,
    /// Failures that are recorded on the one resource they concern (its values are marked
    /// unread), so they need no error for every resource of the types.
    attributed: usize,
}

/// Collects coverage from every call; shared by all units.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    ops: Mutex<BTreeMap<String, OpRecord>>,
    /// Operations throttled on some attempt.
    throttled: Mutex<std::collections::HashSet<String>>,
    /// Per operation, why its last attempt that got no answer got none.
    transport: Mutex<std::collections::HashMap<String, String>>,
}

impl Recorder {
    fn saw_throttling(&self, operation: &str) {
        self.throttled
            .lock()
            .expect("not poisoned")
            .insert(operation.to_string());
    }

    pub(crate) fn saw_transport_error(&self, operation: &str, why: &str) {
        self.transport
            .lock()
            .expect("not poisoned")
            .insert(operation.to_string(), why.to_string());
    }

    fn transport_error(&self, operation: &str) -> Option<String> {
        self.transport
            .lock()
            .expect("not poisoned")
            .get(operation)
            .cloned()
    }

    fn was_throttled(&self, operation: &str) -> bool {
        self.throttled
            .lock()
            .expect("not poisoned")
            .contains(operation)
    }

    fn record(&self, scope: String, op: &Op, failure: Option<String>) {
        let mut ops = self.ops.lock().expect("not poisoned");
        let rec = ops.entry(scope).or_insert_with(|| OpRecord {
            types: op.types.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        });
        rec.calls += 1;
        if let Some(f) = failure {
            rec.failures.push(f);
        }
    }

    /// A failure the collector recorded on the resource it concerns.
    fn attribute(&self, scope: &str) {
        if let Some(rec) = self.ops.lock().expect("not poisoned").get_mut(scope) {
            rec.attributed += 1;
        }
    }

    /// The failures recorded for one scope, joined.
    fn failures(&self, scope: &str) -> String {
        let ops = self.ops.lock().expect("not poisoned");
        ops.get(scope)
            .map(|r| r.failures.join("; "))
            .unwrap_or_default()
    }

    /// An account that could not be entered: everything in it is unread.
    fn unreadable_account(&self, scope: &str) {
        let mut types: Vec<String> = ops::ALL
            .iter()
            .flat_map(|(_, op)| op.types.iter().map(|t| t.to_string()))
            .collect();
        types.sort();
        types.dedup();
        if let Some(rec) = self.ops.lock().expect("not poisoned").get_mut(scope) {
            rec.types = types;
        }
    }

    /// Calls made per resource type they read (`-v` prints them): where the requests go. A call
    /// that reads several types counts for each.
    fn calls_by_type(&self) -> BTreeMap<String, usize> {
        let mut by: BTreeMap<String, usize> = BTreeMap::new();
        for rec in self.ops.lock().expect("not poisoned").values() {
            for t in &rec.types {
                *by.entry(t.clone()).or_default() += rec.calls;
            }
        }
        by
    }

    fn entries(&self) -> Vec<CoverageEntry> {
        let ops = self.ops.lock().expect("not poisoned");
        ops.iter()
            .map(|(scope, rec)| {
                if rec.failures.is_empty() {
                    CoverageEntry {
                        status: CoverageStatus::Ok,
                        scope: scope.clone(),
                        detail: format!("{} call(s)", rec.calls),
                        resource_types: Vec::new(),
                        span: None,
                    }
                } else {
                    let mut failures = rec.failures.clone();
                    failures.sort();
                    let shown: Vec<&str> = failures.iter().take(5).map(String::as_str).collect();
                    let more = failures.len().saturating_sub(shown.len());
                    CoverageEntry {
                        status: CoverageStatus::Error,
                        scope: scope.clone(),
                        detail: format!(
                            "{} of {} call(s) failed: {}{}",
                            failures.len(),
                            rec.calls,
                            shown.join("; "),
                            if more > 0 {
                                format!("; and {more} more")
                            } else {
                                String::new()
                            }
                        ),
                        // Failures each recorded on their resource make the rules that read
                        // those values report `error` there; the others leave every resource
                        // of the types unassessed.
                        resource_types: if rec.attributed >= rec.failures.len() {
                            Vec::new()
                        } else {
                            rec.types.clone()
                        },
                        span: None,
                    }
                }
            })
            .collect()
    }
}

/// How one call ended.
pub(crate) enum Fetch<T> {
    Got(T),
    /// The API said the thing is not configured (`NoSuchBucketPolicy`, …): the AWS default holds.
    Absent,
    /// Recorded as a coverage error; what went wrong, in one line.
    Failed(Unread),
}

impl<T> Fetch<T> {
    /// What was got, converted; absent and failed stay what they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetch<U> {
        match self {
            Fetch::Got(t) => Fetch::Got(f(t)),
            Fetch::Absent => Fetch::Absent,
            Fetch::Failed(u) => Fetch::Failed(u),
        }
    }

    pub fn ok(self) -> Option<T> {
        match self {
            Fetch::Got(t) => Some(t),
            _ => None,
        }
    }
}

/// A call that failed for one resource: record it on the resource with [`Ctx::unread`].
pub(crate) struct Unread {
    scope: String,
    /// `s3:GetBucketPolicy: access denied (HTTP 403 AccessDenied)`.
    pub why: String,
}

/// One unit's context: where calls are recorded and resources collected.
pub(crate) struct Ctx {
    pub account: String,
    pub region: Option<String>,
    recorder: Arc<Recorder>,
    deadline: tokio::time::Instant,
    /// Calls in flight per service, at most; collectors fan out by this too.
    pub concurrency: usize,
    /// One limit per service of this unit (account and region).
    limits: Mutex<std::collections::HashMap<&'static str, Arc<tokio::sync::Semaphore>>>,
    out: Mutex<Vec<Resource>>,
}

type SdkError<E> = aws_smithy_runtime_api::client::result::SdkError<
    E,
    aws_smithy_runtime_api::client::orchestrator::HttpResponse,
>;

impl Ctx {
    fn new(
        account: &str,
        region: Option<String>,
        recorder: &Arc<Recorder>,
        deadline: tokio::time::Instant,
        concurrency: usize,
    ) -> Ctx {
        Ctx {
            account: account.to_string(),
            region,
            recorder: recorder.clone(),
            deadline,
            concurrency,
            limits: Mutex::new(std::collections::HashMap::new()),
            out: Mutex::new(Vec::new()),
        }
    }

    /// The limit on calls in flight to one service in this unit.
    fn limit(&self, service: &'static str) -> Arc<tokio::sync::Semaphore> {
        self.limits
            .lock()
            .expect("not poisoned")
            .entry(service)
            .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(self.concurrency)))
            .clone()
    }

    fn scope(&self, op: &Op) -> String {
        format!(
            "aws/{}/{}/{}/{}",
            self.account,
            self.region.as_deref().unwrap_or("global"),
            op.service,
            op.name
        )
    }

    /// Makes one call; error codes in `absent` mean "not configured".
    pub async fn call_or_absent<T, E, F>(
        &self,
        op: &'static Op,
        subject: &str,
        absent: &[&str],
        fut: F,
    ) -> Fetch<T>
    where
        F: std::future::Future<Output = Result<T, SdkError<E>>>,
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    {
        let scope = self.scope(op);
        let limit = self.limit(op.service);
        let call = async {
            // The semaphore is never closed, so acquiring only waits.
            let _permit = limit.acquire().await.expect("semaphore open");
            fut.await
        };
        let failed = |why: String| {
            tracing::warn!(%scope, subject, error = %why, "call failed");
            let unread = Unread {
                scope: scope.clone(),
                why: format!("{}: {why}", op.action),
            };
            let what = if subject.is_empty() {
                why
            } else {
                format!("{subject}: {why}")
            };
            self.recorder.record(scope.clone(), op, Some(what));
            Fetch::Failed(unread)
        };
        match tokio::time::timeout_at(self.deadline, call).await {
            Err(_) => failed("not read before the overall deadline".into()),
            Ok(Ok(t)) => {
                tracing::debug!(%scope, subject, "ok");
                self.recorder.record(scope, op, None);
                Fetch::Got(t)
            }
            Ok(Err(e)) => {
                use aws_smithy_types::error::metadata::ProvideErrorMetadata;
                if e.code().is_some_and(|c| absent.contains(&c)) {
                    self.recorder.record(scope, op, None);
                    return Fetch::Absent;
                }
                if timed_out(&e) && self.recorder.was_throttled(op.name) {
                    return failed("throttled until the call timed out".into());
                }
                if timed_out(&e) {
                    if let Some(why) = self.recorder.transport_error(op.name) {
                        return failed(format!(
                            "could not connect until the call timed out ({why})"
                        ));
                    }
                }
                failed(describe(&e))
            }
        }
    }

    pub async fn call<T, E, F>(&self, op: &'static Op, subject: &str, fut: F) -> Option<T>
    where
        F: std::future::Future<Output = Result<T, SdkError<E>>>,
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call_or_absent(op, subject, &[], fut).await.ok()
    }

    /// Reads every page of a paginated call; a failure keeps the pages read before it.
    pub async fn pages<P, E>(
        &self,
        op: &'static Op,
        subject: &str,
        mut stream: aws_smithy_async::future::pagination_stream::PaginationStream<
            Result<P, SdkError<E>>,
        >,
    ) -> Vec<P>
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut out = Vec::new();
        loop {
            match self
                .call(op, subject, async { stream.next().await.transpose() })
                .await
            {
                Some(Some(page)) => out.push(page),
                _ => return out,
            }
        }
    }

    /// Makes one call whose failure concerns one resource: the caller records it there with
    /// [`Ctx::unread`].
    pub async fn fetch<T, E, F>(&self, op: &'static Op, subject: &str, fut: F) -> Fetch<T>
    where
        F: std::future::Future<Output = Result<T, SdkError<E>>>,
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call_or_absent(op, subject, &[], fut).await
    }

    /// Marks the values `paths` of `r` as not read, with why: the rules that need them report
    /// `error` on this resource, and the failure is not held against the resource type.
    pub fn unread(&self, r: &mut Resource, paths: &[&str], failure: &Unread) {
        for p in paths {
            r.set_unread(p, &failure.why);
        }
        self.recorder.attribute(&failure.scope);
    }

    /// Reads every page of a paginated call about one resource, all or nothing: a failure part
    /// way leaves the data incomplete, for the caller to record with [`Ctx::unread`].
    pub async fn fetch_pages<P, E>(
        &self,
        op: &'static Op,
        subject: &str,
        mut stream: aws_smithy_async::future::pagination_stream::PaginationStream<
            Result<P, SdkError<E>>,
        >,
    ) -> Result<Vec<P>, Unread>
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut out = Vec::new();
        loop {
            match self
                .fetch(op, subject, async { stream.next().await.transpose() })
                .await
            {
                Fetch::Got(Some(page)) => out.push(page),
                Fetch::Got(None) | Fetch::Absent => return Ok(out),
                Fetch::Failed(u) => return Err(u),
            }
        }
    }

    pub fn throttle_watch(&self) -> client::ThrottleWatch {
        client::ThrottleWatch(self.recorder.clone())
    }

    /// A failure that is not an SDK error (e.g. a report that never became ready).
    pub fn record_failure(&self, op: &'static Op, why: &str) {
        self.recorder
            .record(self.scope(op), op, Some(why.to_string()));
    }

    /// A resource read from this account (and region).
    pub fn resource(&self, uid: &str, rtype: &str, name: &str, op: &Op) -> Resource {
        let mut r = Resource::new(
            uid,
            rtype,
            Origin {
                source: "aws".into(),
                span: None,
                address: None,
                root: None,
                arn: uid.starts_with("arn:").then(|| uid.to_string()),
                api_call: Some(op.action.to_string()),
                entry: None,
            },
        );
        r.name = name.to_string();
        r.account = Some(self.account.clone());
        r.region = self.region.clone();
        r
    }

    pub fn push(&self, r: Resource) {
        self.out.lock().expect("not poisoned").push(r);
    }

    pub fn push_all(&self, rs: impl IntoIterator<Item = Resource>) {
        self.out.lock().expect("not poisoned").extend(rs);
    }
}

/// What went wrong with a call, in words an operator acts on.
fn describe<E>(e: &SdkError<E>) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_smithy_runtime_api::client::result::SdkError as S;
    use aws_smithy_types::error::display::DisplayErrorContext;
    use aws_smithy_types::error::metadata::ProvideErrorMetadata;
    match e {
        _ if timed_out(e) => "timed out".into(),
        S::DispatchFailure(_) => {
            // The request never reached the service: no connection, or no credentials to sign.
            let why = DisplayErrorContext(e).to_string();
            let why: String = why
                .trim_start_matches("dispatch failure: ")
                .trim_start_matches("other: ")
                .chars()
                .take(300)
                .collect();
            if why.contains("credential") {
                format!("no usable credentials: {why}")
            } else {
                format!("could not connect: {why}")
            }
        }
        S::ResponseError(r) => format!("unreadable response (HTTP {})", r.raw().status().as_u16()),
        S::ServiceError(s) => {
            let status = s.raw().status().as_u16();
            let code = e.code().unwrap_or("");
            let kind = if is_denied(code) || status == 403 {
                "access denied"
            } else if is_throttled(code) || status == 429 {
                "throttled (retries exhausted)"
            } else {
                "failed"
            };
            if code.is_empty() {
                // The error response is not in the service's own format; name what it says.
                let named = s
                    .raw()
                    .body()
                    .bytes()
                    .and_then(|b| error_code_in(&String::from_utf8_lossy(b)));
                return match named {
                    Some(c) => format!("failed (HTTP {status} {c})"),
                    None => format!("failed (HTTP {status}, unreadable error response)"),
                };
            }
            let msg = e.message().unwrap_or("");
            format!(
                "{kind} (HTTP {status} {code}{}{msg})",
                if msg.is_empty() { "" } else { ": " }
            )
            .replace("  ", " ")
        }
        _ => format!("failed: {}", DisplayErrorContext(e)),
    }
}

/// Whether the call ran out of time (per attempt or in all), rather than being answered.
fn timed_out<E>(e: &SdkError<E>) -> bool {
    use aws_smithy_runtime_api::client::result::SdkError as S;
    matches!(e, S::TimeoutError(_)) || matches!(e, S::DispatchFailure(d) if d.is_timeout())
}

/// The error code in an error body of another protocol (`<Code>…</Code>` or `"__type"`).
fn error_code_in(body: &str) -> Option<String> {
    if let Some(start) = body.find("<Code>") {
        let rest = &body[start + 6..];
        return rest
            .find("</Code>")
            .map(|end| rest[..end].trim().to_string());
    }
    let v: Json = serde_json::from_str(body).ok()?;
    v["__type"]
        .as_str()
        .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
}

fn is_denied(code: &str) -> bool {
    code.starts_with("AccessDenied")
        || matches!(
            code,
            "UnauthorizedOperation"
                | "AuthorizationError"
                | "UnauthorizedException"
                | "AccessDeniedException"
        )
}

/// Error codes AWS services use for throttling.
const THROTTLING_CODES: [&str; 8] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
];

fn is_throttled(code: &str) -> bool {
    THROTTLING_CODES.contains(&code)
}

/// Sets attributes the API returned.
pub(crate) fn set_all(r: &mut Resource, values: impl IntoIterator<Item = (&'static str, Json)>) {
    for (k, v) in values {
        r.set_attribute(k, v, AttributeMeta::explicit());
    }
}

/// Flags as the API returned them: one it did not return is `false`, AWS's default for every
/// flag written this way, marked as the default rather than as if the API had said it.
pub(crate) fn set_flags(
    r: &mut Resource,
    flags: impl IntoIterator<Item = (&'static str, Option<bool>)>,
) {
    for (k, v) in flags {
        r.put(k, Attr::returned(v, false), None);
    }
}

/// `[{Key, Value}]`-style tags into a map.
pub(crate) fn tag_map<'a>(
    tags: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    tags.into_iter()
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
        .collect()
}

/// An SDK timestamp as RFC 3339.
pub(crate) fn when(t: Option<&aws_smithy_types::DateTime>) -> Json {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
        .map(Json::String)
        .unwrap_or(Json::Null)
}

/// A policy document as returned (a JSON string, URL-encoded for IAM), normalized.
pub(crate) fn policy_json(text: Option<&str>) -> Json {
    match text {
        None => Json::Null,
        Some(t) => crate::collect::aws::authorization_details::document(&json!(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
