//! User rules in processes of their own. A rule from `--policies` may recurse without end (the
//! Rego evaluator has no depth limit and would overflow the stack, which ends a process) or
//! loop past its time limit; run apart, it costs only its own results, which are `error`, and
//! every other rule is still judged and every output written.
//!
//! The parent writes the evaluated snapshot and the policy files once, then starts this
//! executable (`policy eval-isolated DIR RULE-ID`) per rule; the child judges that one rule as
//! the engine always does and prints its results as JSON.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{
    failed_rule, location_of, Engine, EngineError, PolicyFile, RuleContext, RuleFailure, RuleMeta,
    RuleResult,
};
use crate::model::{Snapshot, SnapshotError};

/// Why a rule run apart gave no results (its resources get `error` with this reason).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SandboxError {
    #[error("its sandbox could not be prepared: {0}")]
    Prepare(std::io::Error),
    #[error("its evaluator could not be started: {0}")]
    Start(std::io::Error),
    #[error("its evaluator could not be watched: {0}")]
    Watch(std::io::Error),
    #[error("the rule ran longer than {0} s and was stopped")]
    TimedOut(u64),
    #[error("its output could not be read")]
    Output,
    #[error("the rule stopped rampart's evaluator (it recurses without end, or the evaluator failed on it)")]
    Crashed,
    #[error("its results could not be read: {0}")]
    Results(serde_json::Error),
}

/// Why the child could not judge its rule (it exits with an error; the parent reports the
/// rule's resources as `error`).
#[derive(Debug, thiserror::Error)]
pub enum IsolatedError {
    #[error("{name}: {source}")]
    Read {
        name: &'static str,
        source: std::io::Error,
    },
    #[error("request.json: {0}")]
    Request(serde_json::Error),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("writing the results: {0}")]
    Write(serde_json::Error),
}

/// What the child reads besides the snapshot.
#[derive(serde::Serialize, serde::Deserialize)]
struct Request {
    policies: Vec<(String, String)>,
    config: serde_json::Value,
    time_limit_ms: u64,
}

/// Time a child gets beyond the rule's own limit before it is stopped.
const GRACE: Duration = Duration::from_secs(30);

pub(super) fn evaluate(
    exe: &Path,
    files: &[PolicyFile],
    snapshot: &Snapshot,
    rules: &[&RuleMeta],
    config: &serde_json::Value,
    limit: Duration,
    ctx: &RuleContext,
) -> Vec<RuleResult> {
    let all_of = |rule: &RuleMeta| -> BTreeSet<&str> {
        rule.resource_types
            .iter()
            .flat_map(|t| ctx.by_type.get(t.as_str()).into_iter().flatten())
            .map(|r| r.uid.as_str())
            .collect()
    };
    let dir = match prepare(files, snapshot, config, limit) {
        Ok(d) => d,
        Err(e) => {
            let why = RuleFailure::Sandbox(SandboxError::Prepare(e));
            return rules
                .iter()
                .flat_map(|r| failed_rule(r, ctx, &all_of(r), &why))
                .collect();
        }
    };
    let mut out = Vec::new();
    for rule in rules {
        match run(exe, dir.path(), &rule.id, limit + GRACE) {
            Ok(results) => out.extend(results.into_iter().filter_map(|mut r| {
                // Gaps in what was collected are the parent's to report, once.
                let res = ctx.by_uid.get(r.resource.uid.as_str())?;
                // Where a result points is the parent's to say (a snapshot file's entries are
                // not part of the snapshot the child read).
                r.location = location_of(res, r.attribute.as_deref());
                Some(r)
            })),
            Err(why) => out.extend(failed_rule(rule, ctx, &all_of(rule), &why.into())),
        }
    }
    out
}

fn prepare(
    files: &[PolicyFile],
    snapshot: &Snapshot,
    config: &serde_json::Value,
    limit: Duration,
) -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new().prefix("rampart-rules").tempdir()?;
    std::fs::write(dir.path().join("snapshot.json"), snapshot.to_json())?;
    let request = Request {
        policies: files
            .iter()
            .map(|f| (f.path.clone(), f.text.clone()))
            .collect(),
        config: config.clone(),
        time_limit_ms: limit.as_millis() as u64,
    };
    std::fs::write(
        dir.path().join("request.json"),
        serde_json::to_vec(&request).map_err(std::io::Error::other)?,
    )?;
    Ok(dir)
}

/// Runs one rule in a child process and reads its results.
fn run(
    exe: &Path,
    dir: &Path,
    rule: &str,
    timeout: Duration,
) -> Result<Vec<RuleResult>, SandboxError> {
    let mut child = Command::new(exe)
        .args(["policy", "eval-isolated"])
        .arg(dir)
        .arg(rule)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(SandboxError::Start)?;
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).map(|_| buf)
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SandboxError::TimedOut(timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(SandboxError::Watch(e)),
        }
    };
    let out = reader
        .join()
        .map_err(|_| SandboxError::Output)?
        .map_err(|_| SandboxError::Output)?;
    if !status.success() {
        return Err(SandboxError::Crashed);
    }
    serde_json::from_slice(&out).map_err(SandboxError::Results)
}

/// The child's side: judges one rule over the snapshot in `dir` and writes the results as JSON.
pub fn eval_isolated(
    dir: &Path,
    rule: &str,
    out: &mut dyn std::io::Write,
) -> Result<(), IsolatedError> {
    let read = |name: &'static str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|source| IsolatedError::Read { name, source })
    };
    let request: Request =
        serde_json::from_str(&read("request.json")?).map_err(IsolatedError::Request)?;
    let snapshot = Snapshot::from_json(&read("snapshot.json")?)?;
    let mut engine = Engine::from_files(
        request
            .policies
            .into_iter()
            .map(|(path, text)| PolicyFile { path, text })
            .collect(),
    )?;
    engine.set_rule_time_limit(Duration::from_millis(request.time_limit_ms));
    let selection = super::Selection {
        select: vec![rule.to_string()],
        ignore: Vec::new(),
    };
    let results: Vec<RuleResult> = engine
        .evaluate(&snapshot, &selection, &request.config)?
        .into_iter()
        .filter(|r| r.rule_id == rule)
        .collect();
    serde_json::to_writer(out, &results).map_err(IsolatedError::Write)
}
