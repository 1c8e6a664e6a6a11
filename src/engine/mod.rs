//! The Rego engine: built-in and user policies on `regorus`, evaluated once per rule over the
//! whole snapshot (the snapshot is set as input once; rules look resources up by type and uid
//! through indexes, never by scanning the whole list).

pub mod frameworks;
pub mod metadata;
pub mod policy_test;
pub mod result;

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

pub struct Engine {
    base: regorus::Engine,
    rules: Vec<RuleMeta>,
    files: Vec<PolicyFile>,
}

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

impl Engine {
    /// The built-in rules plus the rules under each of `extra_dirs`.
    pub fn new(extra_dirs: &[PathBuf]) -> Result<Engine, EngineError> {
        let mut files = builtin_files();
        for d in extra_dirs {
            files.extend(read_policy_dir(d)?);
        }
        Engine::from_files(
            files
                .into_iter()
                .filter(|f| !is_test_file(&f.path))
                .collect(),
        )
    }

    pub fn from_files(files: Vec<PolicyFile>) -> Result<Engine, EngineError> {
        let mut base = regorus::Engine::new();
        base.set_strict_builtin_errors(false);
        let mut rules: Vec<RuleMeta> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        for f in &files {
            base.add_policy(f.path.clone(), f.text.clone())
                .map_err(|e| EngineError::Policy {
                    file: f.path.clone(),
                    message: e.to_string(),
                })?;
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
        Ok(Engine { base, rules, files })
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
        let input = build_input(&snapshot.resources);
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
        let mut base = self.base.clone();
        base.add_data(RegoValue::from(
            serde_json::json!({"rampart": {"config": config}}),
        ))
        .map_err(|e| EngineError::Evaluation {
            rule: "(config)".into(),
            message: e.to_string(),
        })?;
        base.set_input(input);

        // Rules differ in cost by orders of magnitude (the escalation rule against a check of one
        // attribute), so they are handed out one at a time rather than in fixed chunks; each
        // worker evaluates on its own clone of the engine.
        let per_chunk: Result<Vec<Vec<RuleResult>>, EngineError> = rules
            .par_iter()
            .with_max_len(1)
            .map_init(
                || base.clone(),
                |engine, rule| evaluate_rule(engine, rule, &by_uid, &by_type),
            )
            .collect();
        let mut results: Vec<RuleResult> = per_chunk?.into_iter().flatten().collect();

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
/// same values, so the input costs one copy of the snapshot).
fn build_input(resources: &[Resource]) -> RegoValue {
    let mut by_type: BTreeMap<RegoValue, Vec<RegoValue>> = BTreeMap::new();
    let mut by_uid: BTreeMap<RegoValue, RegoValue> = BTreeMap::new();
    for r in resources {
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
        });
        let v = RegoValue::from(json);
        by_type
            .entry(RegoValue::from(r.resource_type.as_str()))
            .or_default()
            .push(v.clone());
        by_uid.insert(RegoValue::from(r.uid.as_str()), v);
    }
    let mut top = BTreeMap::new();
    top.insert(
        RegoValue::from("resources_by_type"),
        RegoValue::from(
            by_type
                .into_iter()
                .map(|(k, v)| (k, RegoValue::from(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    );
    top.insert(RegoValue::from("resources_by_uid"), RegoValue::from(by_uid));
    RegoValue::from(top)
}

/// An entry of a rule's `deny` or `error` set.
struct Verdict {
    uid: String,
    message: String,
    attribute: Option<String>,
    /// Distinguishes several findings of one rule on one attribute (e.g. one per principal), so
    /// each keeps its own fingerprint.
    key: Option<String>,
}

fn verdicts(
    engine: &mut regorus::Engine,
    rule: &RuleMeta,
    set: &str,
    declared: bool,
) -> Result<Vec<Verdict>, EngineError> {
    if !declared {
        return Ok(Vec::new());
    }
    let path = format!("data.{}.{set}", rule.package);
    let v = engine
        .eval_rule(path)
        .map_err(|e| EngineError::Evaluation {
            rule: rule.id.clone(),
            message: e.to_string(),
        })?;
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
            return Err(EngineError::Evaluation {
                rule: rule.id.clone(),
                message: format!("{set} entries must be objects with a \"uid\"; got {item}"),
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
        });
    }
    Ok(out)
}

fn evaluate_rule(
    engine: &mut regorus::Engine,
    rule: &RuleMeta,
    by_uid: &HashMap<&str, &Resource>,
    by_type: &HashMap<&str, Vec<&Resource>>,
) -> Result<Vec<RuleResult>, EngineError> {
    let applicable: BTreeSet<&str> = if rule.has_applies {
        let v = engine
            .eval_rule(format!("data.{}.applies", rule.package))
            .map_err(|e| EngineError::Evaluation {
                rule: rule.id.clone(),
                message: e.to_string(),
            })?;
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
            .filter_map(|u| by_uid.get_key_value(u.as_str()).map(|(k, _)| *k))
            .collect()
    } else {
        rule.resource_types
            .iter()
            .flat_map(|t| by_type.get(t.as_str()).into_iter().flatten())
            .map(|r| r.uid.as_str())
            .collect()
    };
    let fails = verdicts(engine, rule, "deny", rule.has_deny)?;
    let errors = verdicts(engine, rule, "error", rule.has_error)?;
    let mut fails_by: BTreeMap<&str, Vec<&Verdict>> = BTreeMap::new();
    for f in &fails {
        fails_by.entry(f.uid.as_str()).or_default().push(f);
    }
    let errors_by: BTreeMap<&str, &Verdict> = errors.iter().map(|e| (e.uid.as_str(), e)).collect();
    let mut uids: BTreeSet<&str> = applicable;
    uids.extend(fails_by.keys());
    uids.extend(errors_by.keys());

    let mut out = Vec::new();
    for uid in uids {
        let Some(res) = by_uid.get(uid) else {
            continue;
        };
        if let Some(e) = errors_by.get(uid) {
            out.push(make_result(rule, res, Status::Error, e));
        } else if let Some(fs) = fails_by.get(uid) {
            out.extend(fs.iter().map(|f| make_result(rule, res, Status::Fail, f)));
        } else {
            let pass = Verdict {
                uid: uid.to_string(),
                message: format!("{}: passed", rule.title),
                attribute: None,
                key: None,
            };
            out.push(make_result(rule, res, Status::Pass, &pass));
        }
    }
    Ok(out)
}

fn make_result(rule: &RuleMeta, res: &Resource, status: Status, v: &Verdict) -> RuleResult {
    let attribute = v.attribute.clone();
    let evidence = attribute
        .as_deref()
        .map(|p| evidence_for(res, p))
        .unwrap_or_default();
    let location = match &attribute {
        Some(p) => res.span_for(p).cloned(),
        None => res.location().cloned(),
    };
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
