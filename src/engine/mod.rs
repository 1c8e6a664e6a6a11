//! The Rego engine: built-in and user policies on `regorus`, evaluated once per rule over the
//! whole snapshot (the snapshot is set as input once; rules look resources up by type and uid
//! through indexes, never by scanning the whole list).

pub mod frameworks;
pub mod metadata;
pub mod policy_test;
pub mod result;
mod sandbox;
pub use sandbox::eval_isolated;

use rayon::prelude::*;
use regorus::Value as RegoValue;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::model::{CoverageStatus, Resource, Snapshot};
pub use metadata::{RuleMeta, Severity};
pub use result::{
    fingerprint, BaselineState, Evidence, ResourceRef, RuleResult, Status, Suppression,
};

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{file}: invalid METADATA: {reason}")]
    InvalidMetadata { file: String, reason: String },
    #[error("{file}: {message}")]
    Policy { file: String, message: String },
    #[error("rule id {id} is declared twice ({first} and {second})")]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
    #[error("cannot read policies from {path}: {message}")]
    Io { path: String, message: String },
    #[error("rule {rule}: evaluation failed: {message}")]
    Evaluation { rule: String, message: String },
}

/// Which rules to run.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Ids or id prefixes to run (all when empty).
    pub select: Vec<String>,
    /// Ids or id prefixes to skip.
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn matches(&self, id: &str) -> bool {
        let hit = |pats: &[String]| pats.iter().any(|p| id == p || id.starts_with(p.as_str()));
        (self.select.is_empty() || hit(&self.select)) && !hit(&self.ignore)
    }
}

/// One policy source file.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    pub path: String,
    pub text: String,
}

/// The rules and their policy files. Policies are compiled per scan, only those of the rules
/// whose resource types the snapshot holds (and the libraries): a one-bucket scan compiles the
/// S3 rules, not all of them.
pub struct Engine {
    rules: Vec<RuleMeta>,
    files: Vec<PolicyFile>,
    /// How long one rule may run over the whole snapshot before its results are `error`.
    rule_time_limit: std::time::Duration,
    /// Ids of the rules that did not come with rampart (`--policies`).
    user_rules: std::collections::HashSet<String>,
    /// Where user rules run: in a process of their own (this executable, `policy
    /// eval-isolated`), so that one that recurses without end or crashes the evaluator is an
    /// `error` result rather than the end of the scan. `None`: in this process.
    sandbox: Option<PathBuf>,
}

/// The default for [`Engine::set_rule_time_limit`]: generous for the built-in rules on large
/// accounts, short enough that a rule that never stops cannot hold a nightly scan.
pub const DEFAULT_RULE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Reads `*.rego` under a directory (tests included; callers filter).
pub fn read_policy_dir(dir: &Path) -> Result<Vec<PolicyFile>, EngineError> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| EngineError::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let p = entry.path();
        if entry.file_type().is_file() && p.extension().is_some_and(|e| e == "rego") {
            let text = std::fs::read_to_string(p).map_err(|e| EngineError::Io {
                path: p.display().to_string(),
                message: e.to_string(),
            })?;
            out.push(PolicyFile {
                path: p.display().to_string(),
                text,
            });
        }
    }
    Ok(out)
}

pub fn builtin_files() -> Vec<PolicyFile> {
    BUILTIN_POLICIES
        .iter()
        .map(|(p, t)| PolicyFile {
            path: p.to_string(),
            text: t.to_string(),
        })
        .collect()
}

pub fn is_test_file(path: &str) -> bool {
    path.ends_with("_test.rego")
}

/// A regorus engine holding `files`, in rampart's settings.
fn compile<F: std::borrow::Borrow<PolicyFile>>(
    files: &[F],
) -> Result<regorus::Engine, EngineError> {
    let mut engine = regorus::Engine::new();
    engine.set_strict_builtin_errors(false);
    for f in files {
        let f = f.borrow();
        engine
            .add_policy(f.path.clone(), f.text.clone())
            .map_err(|e| EngineError::Policy {
                file: f.path.clone(),
                message: e.to_string(),
            })?;
    }
    Ok(engine)
}

impl Engine {
    /// The built-in rules plus the rules under each of `extra_dirs`. The user's policies are
    /// parsed here, so that one that does not parse stops the scan before it starts; the
    /// built-in ones are parsed by the test suite.
    pub fn new(extra_dirs: &[PathBuf]) -> Result<Engine, EngineError> {
        let mut user = Vec::new();
        for d in extra_dirs {
            user.extend(read_policy_dir(d)?);
        }
        let user_paths: std::collections::HashSet<String> =
            user.iter().map(|f| f.path.clone()).collect();
        let files: Vec<PolicyFile> = builtin_files()
            .into_iter()
            .chain(user)
            .filter(|f| !is_test_file(&f.path))
            .collect();
        let mut engine = Engine::build(files, |f| user_paths.contains(&f.path))?;
        engine.user_rules = engine
            .rules
            .iter()
            .filter(|r| user_paths.contains(&r.source))
            .map(|r| r.id.clone())
            .collect();
        Ok(engine)
    }

    /// Runs user rules in processes of their own, started from `exe` (`policy eval-isolated`).
    pub fn set_sandbox(&mut self, exe: PathBuf) {
        self.sandbox = Some(exe);
    }

    /// An engine over exactly these policy files, every one of them parsed now.
    pub fn from_files(files: Vec<PolicyFile>) -> Result<Engine, EngineError> {
        Engine::build(files, |_| true)
    }

    /// Reads every file's METADATA; parses the files `parse_now` picks.
    fn build(
        files: Vec<PolicyFile>,
        parse_now: impl Fn(&PolicyFile) -> bool,
    ) -> Result<Engine, EngineError> {
        let mut rules: Vec<RuleMeta> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        for f in &files {
            if parse_now(f) {
                compile(std::slice::from_ref(f))?;
            }
            if let Some(meta) = metadata::parse(&f.path, &f.text)? {
                if let Some(first) = seen.insert(meta.id.clone(), f.path.clone()) {
                    return Err(EngineError::DuplicateId {
                        id: meta.id,
                        first,
                        second: f.path.clone(),
                    });
                }
                rules.push(meta);
            }
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Engine {
            rules,
            files,
            rule_time_limit: DEFAULT_RULE_TIME_LIMIT,
            user_rules: Default::default(),
            sandbox: None,
        })
    }

    /// The policies `rules` need: their own files and every file that is no rule (libraries).
    fn policies_for(&self, rules: &[&RuleMeta]) -> Vec<&PolicyFile> {
        let sources: std::collections::HashSet<&str> =
            self.rules.iter().map(|r| r.source.as_str()).collect();
        let wanted: std::collections::HashSet<&str> =
            rules.iter().map(|r| r.source.as_str()).collect();
        self.files
            .iter()
            .filter(|f| !sources.contains(f.path.as_str()) || wanted.contains(f.path.as_str()))
            .collect()
    }

    /// Limits how long one rule may run; a rule that runs longer reports `error` on all its
    /// resources and the other rules still run.
    pub fn set_rule_time_limit(&mut self, limit: std::time::Duration) {
        self.rule_time_limit = limit;
    }

    pub fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    pub fn files(&self) -> &[PolicyFile] {
        &self.files
    }

    /// SHA-256 over every policy file (path and contents), tying results to the bundle.
    pub fn bundle_digest(&self) -> String {
        let mut files: Vec<&PolicyFile> = self.files.iter().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut buf = Vec::new();
        for f in files {
            buf.extend_from_slice(f.path.as_bytes());
            buf.push(0);
            buf.extend_from_slice(f.text.as_bytes());
            buf.push(0);
        }
        crate::model::sha256_hex(&buf)
    }

    /// Evaluates the selected rules over a snapshot. Results are sorted by rule, resource and
    /// attribute.
    pub fn evaluate(
        &self,
        snapshot: &Snapshot,
        selection: &Selection,
        config: &Json,
    ) -> Result<Vec<RuleResult>, EngineError> {
        let input = Input::new(&snapshot.resources);
        let by_uid: HashMap<&str, &Resource> = snapshot
            .resources
            .iter()
            .map(|r| (r.uid.as_str(), r))
            .collect();
        let mut by_type: HashMap<&str, Vec<&Resource>> = HashMap::new();
        for r in &snapshot.resources {
            by_type.entry(r.resource_type.as_str()).or_default().push(r);
        }
        let rules: Vec<&RuleMeta> = self
            .rules
            .iter()
            .filter(|r| selection.matches(&r.id))
            .collect();
        // A rule none of whose resource types is in the snapshot has nothing to judge.
        let judged: Vec<&RuleMeta> = rules
            .iter()
            .copied()
            .filter(|r| {
                r.resource_types
                    .iter()
                    .any(|t| by_type.contains_key(t.as_str()))
            })
            .collect();
        let mut base = compile(&self.policies_for(&judged))?;
        base.add_data(RegoValue::from(
            serde_json::json!({"rampart": {"config": config}}),
        ))
        .map_err(|e| EngineError::Evaluation {
            rule: "(config)".into(),
            message: e.to_string(),
        })?;
        base.set_input(input.whole());
        base.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: self.rule_time_limit,
            check_interval: std::num::NonZeroU32::new(64).expect("non-zero"),
        });
        // Analyse and schedule the policies once, here: every worker's clone below would
        // otherwise do it again on its first evaluation (and rayon makes a clone per split, so
        // a small scan spent most of its time there). Input changes keep the preparation.
        base.eval_query("true".to_string(), false)
            .map_err(|e| EngineError::Evaluation {
                rule: "(policies)".into(),
                message: e.to_string(),
            })?;
        let ctx = RuleContext {
            by_uid: &by_uid,
            by_type: &by_type,
            input: &input,
        };

        // Rules differ in cost by orders of magnitude (the escalation rule against a check of one
        // attribute), so they are handed out one at a time rather than in fixed chunks; each
        // worker evaluates on its own clone of the engine. A rule that fails on some input is
        // an `error` result on exactly the resources it fails on; the rest is still judged.
        let (isolated, here): (Vec<&RuleMeta>, Vec<&RuleMeta>) = judged
            .iter()
            .partition(|r| self.sandbox.is_some() && self.user_rules.contains(&r.id));
        let mut results: Vec<RuleResult> = here
            .par_iter()
            .with_max_len(1)
            .map_init(
                || base.clone(),
                |engine, rule| evaluate_rule(engine, rule, &ctx),
            )
            .flatten()
            .collect();
        if let (Some(exe), false) = (&self.sandbox, isolated.is_empty()) {
            results.extend(sandbox::evaluate(
                exe,
                &self.files,
                snapshot,
                &isolated,
                config,
                self.rule_time_limit,
                &ctx,
            ));
        }

        // Data that could not be collected makes every rule that needs it an error.
        for c in snapshot
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Error)
        {
            for rule in &rules {
                if rule
                    .resource_types
                    .iter()
                    .any(|t| c.resource_types.contains(t))
                {
                    results.push(RuleResult {
                        rule_id: rule.id.clone(),
                        severity: rule.severity,
                        status: Status::Error,
                        resource: ResourceRef {
                            uid: c.scope.clone(),
                            resource_type: c.resource_types.join(","),
                            name: c.scope.clone(),
                            address: None,
                            arn: None,
                        },
                        message: format!("not assessed: {}", c.detail),
                        attribute: None,
                        location: c.span.clone(),
                        evidence: Vec::new(),
                        details: None,
                        fingerprint: fingerprint(&rule.id, &c.scope, None),
                        suppression: None,
                        baseline: None,
                    });
                }
            }
        }
        results.sort_by(|a, b| {
            (&a.rule_id, &a.resource.uid, &a.attribute, &a.message).cmp(&(
                &b.rule_id,
                &b.resource.uid,
                &b.attribute,
                &b.message,
            ))
        });
        Ok(results)
    }
}

/// The evaluation input: every resource once, indexed by type and by uid (the indexes share the
/// same values, so the input costs one copy of the snapshot). Kept apart per type so that a rule
/// that fails can be evaluated again on a part of its resources.
struct Input {
    by_type: BTreeMap<RegoValue, Vec<(String, RegoValue)>>,
    by_uid: RegoValue,
}

impl Input {
    fn new(resources: &[Resource]) -> Input {
        let mut by_type: BTreeMap<RegoValue, Vec<(String, RegoValue)>> = BTreeMap::new();
        let mut by_uid: BTreeMap<RegoValue, RegoValue> = BTreeMap::new();
        for r in resources {
            // Which values are AWS's default rather than set or returned: a rule that needs to
            // tell "encrypted" from "encrypted only by default" reads it (`lib.by_default`).
            let defaults: Vec<&str> = r
                .attribute_meta
                .iter()
                .filter(|(_, m)| m.provenance == crate::model::Provenance::Default)
                .map(|(p, _)| p.as_str())
                .collect();
            let json = serde_json::json!({
                "uid": r.uid,
                "type": r.resource_type,
                "name": r.name,
                "account": r.account,
                "region": r.region,
                "tags": r.tags,
                "attributes": r.attributes,
                "derived": r.derived,
                "address": r.origin.address,
                "arn": r.origin.arn,
                "defaults": defaults,
            });
            let v = RegoValue::from(json);
            by_type
                .entry(RegoValue::from(r.resource_type.as_str()))
                .or_default()
                .push((r.uid.clone(), v.clone()));
            by_uid.insert(RegoValue::from(r.uid.as_str()), v);
        }
        Input {
            by_type,
            by_uid: RegoValue::from(by_uid),
        }
    }

    /// Every resource.
    fn whole(&self) -> RegoValue {
        self.focused(&[], &BTreeSet::new())
    }

    /// Every resource, except that the lists of `types` hold only the resources in `keep`: what
    /// a rule on those types sees when judging only them (lookups by uid still reach all).
    fn focused(&self, types: &[String], keep: &BTreeSet<&str>) -> RegoValue {
        let by_type: BTreeMap<RegoValue, RegoValue> = self
            .by_type
            .iter()
            .map(|(t, rs)| {
                let narrowed = t
                    .as_string()
                    .is_ok_and(|t| types.iter().any(|x| **x == *t.as_ref()));
                let list: Vec<RegoValue> = rs
                    .iter()
                    .filter(|(uid, _)| !narrowed || keep.contains(uid.as_str()))
                    .map(|(_, v)| v.clone())
                    .collect();
                (t.clone(), RegoValue::from(list))
            })
            .collect();
        let mut top = BTreeMap::new();
        top.insert(
            RegoValue::from("resources_by_type"),
            RegoValue::from(by_type),
        );
        top.insert(RegoValue::from("resources_by_uid"), self.by_uid.clone());
        RegoValue::from(top)
    }
}

/// What every rule's evaluation reads.
struct RuleContext<'a> {
    by_uid: &'a HashMap<&'a str, &'a Resource>,
    by_type: &'a HashMap<&'a str, Vec<&'a Resource>>,
    input: &'a Input,
}

/// An entry of a rule's `deny` or `error` set.
struct Verdict {
    uid: String,
    message: String,
    attribute: Option<String>,
    /// Distinguishes several findings of one rule on one attribute (e.g. one per principal), so
    /// each keeps its own fingerprint.
    key: Option<String>,
    /// The entry's `details`, carried to the result as they are.
    details: Option<Json>,
}

impl Verdict {
    /// A verdict rampart states itself (pass, error): no key, no details.
    fn plain(uid: &str, message: String, attribute: Option<String>) -> Self {
        Verdict {
            uid: uid.to_string(),
            message,
            attribute,
            key: None,
            details: None,
        }
    }
}

/// Why a rule could not be evaluated on the resources it was given.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RuleFailure {
    /// The evaluator stopped it (splitting the resources would not help: each part would take
    /// as long).
    #[error("the rule ran longer than its time limit and was stopped")]
    TimeLimit,
    /// The evaluator failed; the one-line reason (see [`evaluation_error`]).
    #[error("{0}")]
    Evaluation(String),
    /// The rule's `deny`/`error` set holds something that is not a verdict.
    #[error("{set} entries must be objects with a \"uid\"; got {item}")]
    NotAVerdict { set: String, item: String },
    /// A user rule run in a process of its own did not give results.
    #[error(transparent)]
    Sandbox(#[from] sandbox::SandboxError),
}

impl RuleFailure {
    fn of(e: impl std::fmt::Display) -> RuleFailure {
        let text = e.to_string();
        if text.contains("execution exceeded time limit") {
            RuleFailure::TimeLimit
        } else {
            RuleFailure::Evaluation(evaluation_error(&text))
        }
    }
}

fn verdicts(
    engine: &mut regorus::Engine,
    rule: &RuleMeta,
    set: &str,
    declared: bool,
) -> Result<Vec<Verdict>, RuleFailure> {
    if !declared {
        return Ok(Vec::new());
    }
    let path = format!("data.{}.{set}", rule.package);
    let v = engine.eval_rule(path).map_err(RuleFailure::of)?;
    let json: Json = serde_json::to_value(&v).unwrap_or(Json::Null);
    let items: Vec<Json> = match json {
        Json::Array(a) => a,
        Json::Object(_) | Json::Null => Vec::new(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for item in items {
        let uid = item.get("uid").and_then(Json::as_str);
        let Some(uid) = uid else {
            let item: String = item.to_string().chars().take(200).collect();
            return Err(RuleFailure::NotAVerdict {
                set: set.to_string(),
                item,
            });
        };
        out.push(Verdict {
            uid: uid.to_string(),
            message: item
                .get("msg")
                .and_then(Json::as_str)
                .unwrap_or(&rule.title)
                .to_string(),
            attribute: item
                .get("path")
                .and_then(Json::as_str)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            key: item.get("key").and_then(Json::as_str).map(str::to_string),
            details: item.get("details").cloned(),
        });
    }
    Ok(out)
}

/// Evaluates one rule over the whole snapshot. If the evaluation fails, the rule is evaluated
/// again on halves of its resources until each failure is pinned to the resources it comes
/// from: those get an `error` result with the reason, every other resource its verdict. A rule
/// that runs out of time is not split (each part would take as long): all its resources get
/// `error`.
fn evaluate_rule(
    engine: &mut regorus::Engine,
    rule: &RuleMeta,
    ctx: &RuleContext,
) -> Vec<RuleResult> {
    let all: BTreeSet<&str> = rule
        .resource_types
        .iter()
        .flat_map(|t| ctx.by_type.get(t.as_str()).into_iter().flatten())
        .map(|r| r.uid.as_str())
        .collect();
    match judge(engine, rule, ctx, None) {
        Ok(results) => results,
        Err(e @ RuleFailure::TimeLimit) => failed_rule(rule, ctx, &all, &e),
        Err(e) if all.len() <= 1 => failed_rule(rule, ctx, &all, &e),
        Err(_) => {
            let part: Vec<&str> = all.into_iter().collect();
            let mut out = Vec::new();
            bisect(engine, rule, ctx, &part, &mut out);
            // Restore the whole input for the next rule this worker evaluates.
            engine.set_input(ctx.input.whole());
            out
        }
    }
}

/// Judges `part` of a rule's resources, splitting it further where the evaluation fails.
fn bisect(
    engine: &mut regorus::Engine,
    rule: &RuleMeta,
    ctx: &RuleContext,
    part: &[&str],
    out: &mut Vec<RuleResult>,
) {
    let keep: BTreeSet<&str> = part.iter().copied().collect();
    match judge(engine, rule, ctx, Some(&keep)) {
        Ok(results) => out.extend(results),
        Err(e) if part.len() <= 1 || matches!(e, RuleFailure::TimeLimit) => {
            out.extend(failed_rule(rule, ctx, &keep, &e))
        }
        Err(_) => {
            let (a, b) = part.split_at(part.len() / 2);
            bisect(engine, rule, ctx, a, out);
            bisect(engine, rule, ctx, b, out);
        }
    }
}

/// `error` results for a rule on resources it could not be evaluated on, and why.
fn failed_rule(
    rule: &RuleMeta,
    ctx: &RuleContext,
    uids: &BTreeSet<&str>,
    reason: &RuleFailure,
) -> Vec<RuleResult> {
    uids.iter()
        .filter_map(|u| ctx.by_uid.get(u))
        .map(|res| {
            let v = Verdict::plain(
                &res.uid,
                format!("not assessed: the rule failed on this resource: {reason}"),
                None,
            );
            make_result(rule, res, Status::Error, &v)
        })
        .collect()
}

/// A regorus error in one line: what went wrong and where in the policy (`file:line:col`). The
/// value it was about is left out: it comes from the input, which may hold a secret.
fn evaluation_error(text: &str) -> String {
    let location = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .map(str::trim);
    let what = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("evaluation failed");
    let what = what.strip_prefix("error: ").unwrap_or(what);
    let what = what.split(". Got ").next().unwrap_or(what);
    let what = crate::model::excerpt(what);
    match location {
        Some(at) => format!("{what} ({at})"),
        None => what,
    }
}

/// A rule's verdicts on its resources (on those in `focus` only, when given). A pass on a
/// resource whose values the rule reads are unknown or unread is an `error`; so is a failure
/// that points at an unknown value.
fn judge(
    engine: &mut regorus::Engine,
    rule: &RuleMeta,
    ctx: &RuleContext,
    focus: Option<&BTreeSet<&str>>,
) -> Result<Vec<RuleResult>, RuleFailure> {
    if let Some(keep) = focus {
        engine.set_input(ctx.input.focused(&rule.resource_types, keep));
    }
    let applicable: BTreeSet<&str> = if rule.has_applies {
        let v = engine
            .eval_rule(format!("data.{}.applies", rule.package))
            .map_err(RuleFailure::of)?;
        let json: Json = serde_json::to_value(&v).unwrap_or(Json::Null);
        let uids: Vec<String> = json
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        uids.iter()
            .filter_map(|u| ctx.by_uid.get_key_value(u.as_str()).map(|(k, _)| *k))
            .filter(|u| focus.is_none_or(|f| f.contains(u) || !of_types(ctx, rule, u)))
            .collect()
    } else {
        rule.resource_types
            .iter()
            .flat_map(|t| ctx.by_type.get(t.as_str()).into_iter().flatten())
            .map(|r| r.uid.as_str())
            .filter(|u| focus.is_none_or(|f| f.contains(u)))
            .collect()
    };
    let fails = verdicts(engine, rule, "deny", rule.has_deny)?;
    let errors = verdicts(engine, rule, "error", rule.has_error)?;
    let in_focus = |uid: &str| focus.is_none_or(|f| f.contains(uid) || !of_types(ctx, rule, uid));
    let mut fails_by: BTreeMap<&str, Vec<&Verdict>> = BTreeMap::new();
    for f in fails.iter().filter(|f| in_focus(&f.uid)) {
        fails_by.entry(f.uid.as_str()).or_default().push(f);
    }
    let errors_by: BTreeMap<&str, &Verdict> = errors
        .iter()
        .filter(|e| in_focus(&e.uid))
        .map(|e| (e.uid.as_str(), e))
        .collect();
    let mut uids: BTreeSet<&str> = applicable;
    uids.extend(fails_by.keys());
    uids.extend(errors_by.keys());

    let mut out = Vec::new();
    let reads = rule.reads.as_deref();
    for uid in uids {
        let Some(res) = ctx.by_uid.get(uid) else {
            continue;
        };
        if let Some(e) = errors_by.get(uid) {
            out.push(make_result(rule, res, Status::Error, e));
        } else if let Some(fs) = fails_by.get(uid) {
            out.extend(fs.iter().map(|f| match unknown_verdict(res, f) {
                Some(e) => make_result(rule, res, Status::Error, &e),
                None => make_result(rule, res, Status::Fail, f),
            }));
        } else if let Some((path, why)) = res.first_unassessable(reads) {
            let e = Verdict::plain(
                uid,
                format!("not assessed: {path} is needed and {why}"),
                (!path.is_empty() && !path.starts_with("derived")).then_some(path),
            );
            out.push(make_result(rule, res, Status::Error, &e));
        } else {
            let pass = Verdict::plain(uid, format!("{}: passed", rule.title), None);
            out.push(make_result(rule, res, Status::Pass, &pass));
        }
    }
    Ok(out)
}

/// Whether a resource is of one of the rule's own types (the ones a focused input narrows).
fn of_types(ctx: &RuleContext, rule: &RuleMeta, uid: &str) -> bool {
    ctx.by_uid
        .get(uid)
        .is_some_and(|r| rule.resource_types.contains(&r.resource_type))
}

/// A failure that points at a value that is itself unknown was not judged on a value: it is
/// an `error` naming why the value is unknown.
fn unknown_verdict(res: &Resource, f: &Verdict) -> Option<Verdict> {
    let path = f.attribute.as_deref()?;
    let value = res.attribute(path)?;
    if !crate::model::is_unknown(value) {
        return None;
    }
    let read = crate::model::ReadPath::parse(path).ok()?;
    let (_, why) = res.first_unassessable(Some(std::slice::from_ref(&read)))?;
    Some(Verdict {
        key: f.key.clone(),
        ..Verdict::plain(
            &f.uid,
            format!("not assessed: {path} is needed and {why}"),
            f.attribute.clone(),
        )
    })
}

/// Where a result points: its attribute's line, or the resource's.
fn location_of(res: &Resource, attribute: Option<&str>) -> Option<crate::model::Span> {
    match attribute {
        Some(p) => res.span_for(p).cloned(),
        None => res.location().cloned(),
    }
}

fn make_result(rule: &RuleMeta, res: &Resource, status: Status, v: &Verdict) -> RuleResult {
    let attribute = v.attribute.clone();
    let evidence = attribute
        .as_deref()
        .map(|p| evidence_for(res, p))
        .unwrap_or_default();
    let location = location_of(res, attribute.as_deref());
    RuleResult {
        rule_id: rule.id.clone(),
        severity: rule.severity,
        status,
        resource: ResourceRef {
            uid: res.uid.clone(),
            resource_type: res.resource_type.clone(),
            name: res.name.clone(),
            address: res.origin.address.clone(),
            arn: res.origin.arn.clone(),
        },
        message: v.message.clone(),
        fingerprint: match &v.key {
            Some(k) => fingerprint(
                &rule.id,
                &res.uid,
                Some(&format!("{}#{k}", attribute.as_deref().unwrap_or(""))),
            ),
            None => fingerprint(&rule.id, &res.uid, attribute.as_deref()),
        },
        attribute,
        location,
        evidence,
        details: v.details.clone(),
        suppression: None,
        baseline: None,
    }
}

/// The value at `path` with its provenance and location.
fn evidence_for(res: &Resource, path: &str) -> Vec<Evidence> {
    let value = res.attribute(path).cloned().unwrap_or(Json::Null);
    let meta = res.meta_for(path);
    let provenance = if crate::model::is_unknown(&value) {
        crate::model::Provenance::Unknown
    } else {
        meta.map_or(crate::model::Provenance::Explicit, |m| m.provenance)
    };
    vec![Evidence {
        path: path.to_string(),
        value,
        meta: crate::model::AttributeMeta {
            provenance,
            span: res.span_for(path).cloned(),
            from: meta.and_then(|m| m.from.clone()),
        },
    }]
}
