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

use super::{failed_rule, location_of, Engine, PolicyFile, RuleContext, RuleMeta, RuleResult};
use crate::model::Snapshot;

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
            let why = format!("its sandbox could not be prepared: {e}");
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
            Err(why) => out.extend(failed_rule(rule, ctx, &all_of(rule), &why)),
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
fn run(exe: &Path, dir: &Path, rule: &str, timeout: Duration) -> Result<Vec<RuleResult>, String> {
    let mut child = Command::new(exe)
        .args(["policy", "eval-isolated"])
        .arg(dir)
        .arg(rule)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("its evaluator could not be started: {e}"))?;
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
                return Err(format!(
                    "the rule ran longer than {} s and was stopped",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("its evaluator could not be watched: {e}")),
        }
    };
    let out = reader
        .join()
        .map_err(|_| "its output could not be read".to_string())?
        .map_err(|e| format!("its output could not be read: {e}"))?;
    if !status.success() {
        return Err(
            "the rule stopped rampart's evaluator (it recurses without end, or the evaluator failed on it)"
                .into(),
        );
    }
    serde_json::from_slice(&out).map_err(|e| format!("its results could not be read: {e}"))
}

/// The child's side: judges one rule over the snapshot in `dir` and writes the results as JSON.
pub fn eval_isolated(dir: &Path, rule: &str, out: &mut dyn std::io::Write) -> Result<(), String> {
    let read = |name: &str| -> Result<String, String> {
        std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{name}: {e}"))
    };
    let request: Request =
        serde_json::from_str(&read("request.json")?).map_err(|e| e.to_string())?;
    let snapshot = Snapshot::from_json(&read("snapshot.json")?)?;
    let mut engine = Engine::from_files(
        request
            .policies
            .into_iter()
            .map(|(path, text)| PolicyFile { path, text })
            .collect(),
    )
    .map_err(|e| e.to_string())?;
    engine.set_rule_time_limit(Duration::from_millis(request.time_limit_ms));
    let selection = super::Selection {
        select: vec![rule.to_string()],
        ignore: Vec::new(),
    };
    let results: Vec<RuleResult> = engine
        .evaluate(&snapshot, &selection, &request.config)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|r| r.rule_id == rule)
        .collect();
    serde_json::to_writer(out, &results).map_err(|e| e.to_string())
}
