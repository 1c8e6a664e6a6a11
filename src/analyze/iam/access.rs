//! The FERPA access map: every principal that can read or write a store's data, through which
//! policy and statement, with the stores a principal's grants may name found by an index on the
//! literal start of their resource patterns.

use serde::Serialize;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

use super::paths::{display, via_text, PrincipalIndex};
use super::policy::{action_matches, decide_statements, parse, Decision, Effect, Request, Value};
use super::principals::{condition_texts, Principal};
use crate::model::{is_unknown, Resource};

/// Actions that read and write the data of each kind of store (`ResourceType::data_actions`).
pub(super) fn data_actions(rtype: &str) -> (&'static [&'static str], &'static [&'static str]) {
    let a =
        crate::aws::resource_type(rtype).map_or(crate::aws::DataActions::NONE, |t| t.data_actions);
    (a.read, a.write)
}

/// The ARN data actions on a store are evaluated against, `*` standing for what is not known
/// yet (`records-${var.env}` is `records-*`: a grant that may reach it is reported).
pub(super) fn data_arn(r: &Resource) -> Option<String> {
    if let Some(arn) = &r.origin.arn {
        return Some(match r.resource_type.as_str() {
            "aws_s3_bucket" => format!("{arn}/*"),
            _ => arn.clone(),
        });
    }
    let name = &r.name;
    Some(match r.resource_type.as_str() {
        "aws_s3_bucket" => format!(
            "arn:aws:s3:::{}/*",
            r.attribute("bucket").map(unknown_parts_as_wildcards)?
        ),
        "aws_dynamodb_table" => format!(
            "arn:aws:dynamodb:{}:{}:table/{name}",
            r.region.as_deref().unwrap_or("*"),
            r.account.as_deref().unwrap_or("*")
        ),
        "aws_db_instance" | "aws_rds_cluster" => "arn:aws:rds-db:*:*:dbuser:*/*".to_string(),
        "aws_kms_key" => "arn:aws:kms:*:*:key/*".to_string(),
        _ => return None,
    })
}

/// A name for matching against policy patterns: as is when known, its unknown parts (`${…}`)
/// as `*` when partly known, `*` when not known at all.
pub(super) fn unknown_parts_as_wildcards(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        o if is_unknown(o) => {
            let text = crate::model::text_of(o);
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(start) = rest.find("${") {
                out.push_str(&rest[..start]);
                out.push('*');
                rest = rest[start..]
                    .find('}')
                    .map_or("", |end| &rest[start + end + 1..]);
            }
            out.push_str(rest);
            // A bare reference (`aws_s3_bucket.b.bucket`) is not a name.
            if !text.contains("${") {
                return "*".into();
            }
            out
        }
        _ => "*".into(),
    }
}

#[derive(Serialize, Clone, Debug)]
pub struct AccessEntry {
    pub principal: String,
    pub principal_type: &'static str,
    pub access: &'static str,
    pub actions: Vec<String>,
    pub via: String,
    /// Granted through `*` or a service-wide ARN wildcard rather than this store.
    pub wildcard: bool,
    pub conditional: bool,
    pub conditions: Vec<String>,
    /// Through which kind of policy: identity, bucket policy or key policy.
    pub through: &'static str,
    /// The other policies of the principal that grant the same (a group's policy beside one of
    /// the user's own): every route stays on the map, not only the first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_via: Vec<String>,
}

/// The literal start of a resource pattern or ARN: up to its first wildcard.
pub(super) fn literal_start(s: &str) -> &str {
    &s[..s.find(['*', '?']).unwrap_or(s.len())]
}

/// The principals that may hold a grant on a store, found by the literal start of the resource
/// patterns of their Allow statements for the store type's data actions (`arn:aws:s3:::rec`
/// for `arn:aws:s3:::rec*/*`). A pattern can name a resource only if its literal start is a
/// prefix of the ARN's (or, where the ARN has wildcards itself, the other way round), so a store
/// asks those principals, plus the ones whose grants cannot be indexed (NotResource, values
/// known only after apply), instead of every principal that mentions a data action: without it
/// the access map costs principals × stores decisions.
pub(super) struct CandidateIndex<'p> {
    pub(super) principals: Vec<&'p Principal>,
    /// Literal start of a pattern → positions in `principals`.
    pub(super) by_start: BTreeMap<&'p str, Vec<usize>>,
    /// Positions of the principals with a grant that cannot be indexed.
    pub(super) always: Vec<usize>,
}

impl<'p> CandidateIndex<'p> {
    pub(super) fn new(ps: &'p [Principal], actions: &[&'static str]) -> Self {
        let mut index = CandidateIndex {
            principals: Vec::new(),
            by_start: BTreeMap::new(),
            always: Vec::new(),
        };
        for p in ps.iter().filter(|p| p.kind != "group") {
            let (mut grants, mut unindexed) = (false, false);
            let mut starts: BTreeSet<&'p str> = BTreeSet::new();
            for &a in actions {
                p.with_relevant(a, |stmts| {
                    for (_, st) in stmts.filter(|(_, st)| st.effect == Effect::Allow) {
                        grants = true;
                        match &st.resources {
                            Some(m) if !m.not => {
                                for v in &m.values {
                                    match v {
                                        Value::Text(t) => {
                                            starts.insert(literal_start(t));
                                        }
                                        Value::Unknown(_) => unindexed = true,
                                    }
                                }
                            }
                            _ => unindexed = true,
                        }
                    }
                });
            }
            if !grants {
                continue;
            }
            let at = index.principals.len();
            index.principals.push(p);
            if unindexed {
                index.always.push(at);
            } else {
                for start in starts {
                    index.by_start.entry(start).or_default().push(at);
                }
            }
        }
        index
    }

    /// The principals to ask about the store with this data ARN (all of them without one), in
    /// the order of `ps`.
    pub(super) fn for_store(&self, arn: Option<&str>) -> Vec<&'p Principal> {
        let Some(arn) = arn else {
            return self.principals.clone();
        };
        let start = literal_start(arn);
        let mut hit: BTreeSet<usize> = self.always.iter().copied().collect();
        for end in (0..=start.len()).filter(|&i| start.is_char_boundary(i)) {
            if let Some(at) = self.by_start.get(&start[..end]) {
                hit.extend(at);
            }
        }
        // Where the ARN has wildcards (a name known only in part), a pattern whose literal
        // start runs past the ARN's may still name it.
        if start.len() < arn.len() {
            for (_, at) in self
                .by_start
                .range(start..)
                .take_while(|(s, _)| s.starts_with(start))
            {
                hit.extend(at);
            }
        }
        hit.into_iter().map(|i| self.principals[i]).collect()
    }
}

/// `candidates`: the principals whose grants of a data action of the store's type may name it;
/// `ps` and `index`: every principal, to name the ones a resource policy grants to by their uid
/// (as identity grants are), so whatever joins on principals (K8S-13) sees both.
pub(super) fn access_map(
    candidates: &[&Principal],
    ps: &[Principal],
    index: &PrincipalIndex,
    store: &Resource,
) -> Vec<AccessEntry> {
    let (read, write) = data_actions(&store.resource_type);
    let Some(arn) = data_arn(store) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in candidates {
        for (access, actions) in [("read", read), ("write", write)] {
            let mut granted = Vec::new();
            let mut first: Option<(&'static str, Decision)> = None;
            for a in actions {
                let d = p.decide(a, Some(&arn), Some(store.address()));
                if d.allowed() {
                    granted.push(display(a));
                    first.get_or_insert((a, d));
                }
            }
            if let Some((
                action,
                Decision::Allowed {
                    via,
                    conditions,
                    unknown_resource,
                },
            )) = first
            {
                let conds = condition_texts(&conditions, unknown_resource);
                let req = Request {
                    action,
                    arn: Some(&arn),
                    address: Some(store.address()),
                };
                let also_via = p
                    .policies
                    .iter()
                    .filter(|(name, _)| *name != via.policy)
                    .filter_map(|(name, doc)| {
                        let d = decide_statements(
                            doc.statements.iter().map(|st| (name.as_str(), st)),
                            &req,
                        );
                        match d {
                            Decision::Allowed { via, .. } => Some(via_text(&via)),
                            _ => None,
                        }
                    })
                    .collect();
                out.push(AccessEntry {
                    principal: p.uid.clone(),
                    principal_type: p.kind,
                    access,
                    actions: granted,
                    via: via_text(&via),
                    wildcard: via.wildcard,
                    conditional: !conds.is_empty(),
                    conditions: conds,
                    through: "identity policy",
                    also_via,
                });
            }
        }
    }
    // Grants in the store's own resource policy (bucket policy, key policy).
    if let Some(policy) = store.attribute("policy").filter(|p| !p.is_null()) {
        let doc = parse(policy);
        for st in doc.statements.iter().filter(|s| s.effect == Effect::Allow) {
            let Some(pr) = &st.principals else { continue };
            for (access, actions) in [("read", read), ("write", write)] {
                let granted: Vec<String> = actions
                    .iter()
                    .filter(|a| action_matches(&st.actions, a))
                    .map(|a| a.to_string())
                    .collect();
                if granted.is_empty() {
                    continue;
                }
                for (kind, who) in pr
                    .entries
                    .iter()
                    .filter(|(k, _)| k == "AWS" || k == "*" || k == "Service")
                {
                    let named = (kind == "AWS").then(|| index.find(who)).flatten();
                    out.push(AccessEntry {
                        principal: named
                            .map_or_else(|| who.text().to_string(), |i| ps[i].uid.clone()),
                        principal_type: named.map_or("resource policy principal", |i| ps[i].kind),
                        access,
                        actions: granted.clone(),
                        via: format!(
                            "{} statement {}",
                            if store.resource_type == "aws_kms_key" {
                                "key policy"
                            } else {
                                "bucket policy"
                            },
                            st.index
                        ),
                        wildcard: who.text() == "*",
                        conditional: !st.conditions.is_empty(),
                        conditions: st
                            .conditions
                            .iter()
                            .map(|c| format!("{} {} {:?}", c.operator, c.key, c.values))
                            .collect(),
                        through: if store.resource_type == "aws_kms_key" {
                            "key policy"
                        } else {
                            "bucket policy"
                        },
                        also_via: Vec::new(),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.principal, a.access).cmp(&(&b.principal, b.access)));
    out
}

/// Per principal, what it may do to the store only through an unconditional wildcard grant, its
/// reads and writes together, sorted by principal (IAM-10 names the first ones of each store).
pub(super) fn wildcard_access(map: &[AccessEntry]) -> Json {
    let mut by: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for a in map.iter().filter(|a| a.wildcard && !a.conditional) {
        let (accesses, vias) = by.entry(&a.principal).or_default();
        accesses.insert(a.access);
        vias.insert(&a.via);
    }
    Json::Array(
        by.into_iter()
            .map(|(principal, (accesses, vias))| {
                json!({"principal": principal, "access": accesses, "via": vias})
            })
            .collect(),
    )
}
