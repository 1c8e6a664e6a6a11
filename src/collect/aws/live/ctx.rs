//! The collectors' kit: one unit's context (calls recorded, resources gathered), the outcome of
//! a call about one resource (`Fetch`), SDK errors in one line, and the small writers every
//! service's collector uses.

use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::client;
use super::ops::Op;
use super::recorder::Recorder;
use crate::model::{Attr, AttributeMeta, Origin, Resource, SourceKind};

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
    pub(crate) scope: String,
    /// `s3:GetBucketPolicy: access denied (HTTP 403 AccessDenied)`.
    pub why: String,
}

/// One unit's context: where calls are recorded and resources collected.
pub(crate) struct Ctx {
    pub account: String,
    pub region: Option<String>,
    pub(crate) recorder: Arc<Recorder>,
    pub(crate) deadline: tokio::time::Instant,
    /// Calls in flight per service, at most; collectors fan out by this too.
    pub concurrency: usize,
    /// One limit per service of this unit (account and region).
    pub(crate) limits: Mutex<std::collections::HashMap<&'static str, Arc<tokio::sync::Semaphore>>>,
    pub(crate) out: Mutex<Vec<Resource>>,
}

pub(crate) type SdkError<E> = aws_smithy_runtime_api::client::result::SdkError<
    E,
    aws_smithy_runtime_api::client::orchestrator::HttpResponse,
>;

impl Ctx {
    pub(crate) fn new(
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
    pub(crate) fn limit(&self, service: &'static str) -> Arc<tokio::sync::Semaphore> {
        self.limits
            .lock()
            .expect("not poisoned")
            .entry(service)
            .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(self.concurrency)))
            .clone()
    }

    pub(crate) fn scope(&self, op: &Op) -> String {
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
                source: SourceKind::Aws,
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
pub(crate) fn describe<E>(e: &SdkError<E>) -> String
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
pub(crate) fn timed_out<E>(e: &SdkError<E>) -> bool {
    use aws_smithy_runtime_api::client::result::SdkError as S;
    matches!(e, S::TimeoutError(_)) || matches!(e, S::DispatchFailure(d) if d.is_timeout())
}

/// The error code in an error body of another protocol (`<Code>…</Code>` or `"__type"`).
pub(crate) fn error_code_in(body: &str) -> Option<String> {
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

pub(crate) fn is_denied(code: &str) -> bool {
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
pub(crate) const THROTTLING_CODES: [&str; 8] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
];

pub(crate) fn is_throttled(code: &str) -> bool {
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
