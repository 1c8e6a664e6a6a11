//! Effective permissions, escalation paths and the FERPA access map, computed over the snapshot
//! and attached to resources as derived facts the Rego rules read:
//!
//! - principals (`aws_iam_role`, `aws_iam_user`, `aws_iam_group`): `derived.iam.admin`
//!   (`full` / `equivalent` / null) with the statement that grants it, and
//!   `derived.iam.escalation` (the shortest path to administrator, step by step);
//! - stores holding FERPA data (and the KMS keys that encrypt them): `derived.access`, every
//!   principal that can read or write the data, through which policy and statement;
//! - anything with a policy document: `derived.policy_issues` (invalid documents, typos,
//!   Allow with NotAction/NotResource, service-wide write wildcards).

use serde::Serialize;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use super::catalog::{catalog, AccessLevel};
use super::escalation::{self, methods};
use super::policy::{
    action_matches, apply_guards, decide_statements, parse, refers_to, Condition, Decision,
    Document, Effect, Named, Request, Statement, Value, Via,
};
use crate::model::{is_unknown, Resource, UNKNOWN_KEY};
use rayon::prelude::*;

/// A principal with the documents that make up its permissions.
struct Principal {
    idx: usize,
    uid: String,
    /// What Terraform references to it name (its address), or its uid.
    address: String,
    kind: &'static str,
    name: String,
    /// ARN, with `*` for the parts not known (account, path).
    arn: String,
    account: Option<String>,
    policies: Vec<(String, Document)>,
    /// Policy name → its place in the resource's `policies` attribute, for findings to point at.
    paths: HashMap<String, String>,
    boundary: Option<(String, Document)>,
    /// The service control policies of its account, one merged document per level (root, each
    /// OU, the account), when the Organizations data is there.
    scps: Vec<(String, Document)>,
    trust: Option<Document>,
    /// The customer managed policies that apply to it (its own and its groups'), as (ARN,
    /// Terraform address): a new default version of one changes its permissions. AWS managed
    /// policies are left out: nobody but AWS can change them.
    managed: Vec<(String, String)>,
    /// The groups whose policies are its own too, by index among the principals.
    groups: Vec<usize>,
    /// `:kind/name`, the tail of ARNs that name this principal.
    arn_tail: String,
    /// Per action the analysis asks about: the (policy, statement) pairs whose Action/NotAction
    /// covers it. Built once, so principals can be shared across threads.
    relevant: HashMap<&'static str, Vec<(usize, usize)>>,
}

impl Principal {
    /// Whether any Allow statement of its policies names the action, whatever the resource: a
    /// cheap test that skips evaluations that cannot succeed.
    fn mentions(&self, action: &'static str) -> bool {
        self.with_relevant(action, |stmts| {
            for (_, st) in stmts {
                if st.effect == Effect::Allow {
                    return true;
                }
            }
            false
        })
    }

    /// Runs `f` over the statements of its policies that cover `action`.
    fn with_relevant<'s, R>(
        &'s self,
        action: &'static str,
        f: impl FnOnce(&mut dyn Iterator<Item = (&'s str, &'s Statement)>) -> R,
    ) -> R {
        match self.relevant.get(action) {
            Some(idx) => f(&mut idx.iter().map(|&(pi, si)| {
                (
                    self.policies[pi].0.as_str(),
                    &self.policies[pi].1.statements[si],
                )
            })),
            None => f(&mut self
                .policies
                .iter()
                .flat_map(|(n, d)| d.statements.iter().map(move |st| (n.as_str(), st)))
                .filter(|(_, st)| action_matches(&st.actions, action))),
        }
    }

    fn index_actions(&mut self) {
        for action in ANALYSED_ACTIONS
            .iter()
            .copied()
            .chain(escalation::actions())
        {
            let mut v = Vec::new();
            for (pi, (_, d)) in self.policies.iter().enumerate() {
                for (si, st) in d.statements.iter().enumerate() {
                    if action_matches(&st.actions, action) {
                        v.push((pi, si));
                    }
                }
            }
            self.relevant.insert(action, v);
        }
    }

    /// The identity decision, intersected with the permission boundary.
    fn decide(&self, action: &'static str, arn: Option<&str>, address: Option<&str>) -> Decision {
        let req = Request {
            action,
            arn,
            address,
        };
        let d = self.with_relevant(action, |stmts| decide_statements(stmts, &req));
        let guards = self
            .boundary
            .iter()
            .chain(&self.scps)
            .map(|(name, doc)| Named { name, doc });
        apply_guards(d, guards, &req)
    }

    /// Allowed unconditionally.
    fn can(&self, action: &'static str, arn: &str, address: Option<&str>) -> Option<Via> {
        self.can_when(action, arn, address)
            .filter(|(_, conditions)| conditions.is_empty())
            .map(|(via, _)| via)
    }

    /// Allowed, and under which conditions (empty: always).
    fn can_when(
        &self,
        action: &'static str,
        arn: &str,
        address: Option<&str>,
    ) -> Option<(Via, Vec<String>)> {
        match self.decide(action, Some(arn), address) {
            Decision::Allowed {
                via,
                conditions,
                unknown_resource,
            } => Some((via, condition_texts(&conditions, unknown_resource))),
            _ => None,
        }
    }
}

/// The conditions a grant holds under, as the findings print them.
fn condition_texts(conditions: &[Condition], unknown_resource: bool) -> Vec<String> {
    let mut out: Vec<String> = conditions
        .iter()
        .map(|c| format!("{} {} {:?}", c.operator, c.key, c.values))
        .collect();
    if unknown_resource {
        out.push("the resource it names is known only after apply".into());
    }
    out
}

fn str_of(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        o if is_unknown(o) => o[UNKNOWN_KEY].as_str().map(str::to_string),
        _ => None,
    }
}

/// The document of a managed policy named by ARN or reference, from the snapshot or the AWS
/// managed policies rampart knows.
fn managed_document(resources: &[Resource], arn: &Json) -> Option<(String, Document)> {
    let text = str_of(arn)?;
    if let Some(doc) = super::managed::document(&text) {
        return Some((format!("managed:{text}"), parse(&doc)));
    }
    let policy = resources.iter().find(|r| {
        r.resource_type == "aws_iam_policy"
            && (refers_to(&text, r.address())
                || r.origin.arn.as_deref() == Some(text.as_str())
                || text.ends_with(&format!("/{}", r.name)))
    })?;
    Some((
        format!("managed:{}", policy.name),
        parse(policy.attribute("document")?),
    ))
}

fn principals(resources: &[Resource], today: time::Date) -> Vec<Principal> {
    let mut out = Vec::new();
    let scps = scp_levels(resources);
    // Groups by uid and name, as a user's `groups` names them, with their place in `resources`.
    let groups: HashMap<&str, usize> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.resource_type == "aws_iam_group")
        .flat_map(|(i, r)| [(r.uid.as_str(), i), (r.name.as_str(), i)])
        .collect();
    for (idx, r) in resources.iter().enumerate() {
        let kind = match r.resource_type.as_str() {
            "aws_iam_role" => "role",
            "aws_iam_user" => "user",
            "aws_iam_group" => "group",
            _ => continue,
        };
        let policy_docs = |res: &Resource, prefix: &str| -> Vec<(String, Document, usize)> {
            res.attribute("policies")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .filter_map(|(i, p)| {
                    let doc = p.get("document").filter(|d| !d.is_null())?;
                    let name = p["name"].as_str().or(p["arn"].as_str()).unwrap_or("?");
                    Some((
                        format!("{prefix}{}:{name}", p["kind"].as_str().unwrap_or("policy")),
                        parse(doc),
                        i,
                    ))
                })
                .collect()
        };
        let own: Vec<_> = policy_docs(r, "")
            .into_iter()
            .map(|(n, d, i)| (n, never_again(d, today), i))
            .collect();
        let mut managed = customer_managed(r);
        let paths: HashMap<String, String> = own
            .iter()
            .map(|(n, _, i)| (n.clone(), format!("policies.{i}")))
            .collect();
        let mut policies: Vec<(String, Document)> =
            own.into_iter().map(|(n, d, _)| (n, d)).collect();
        // The groups it is a member of, by their place in `resources` until every principal
        // is known (then by their place among the principals).
        let mut member_of = Vec::new();
        if kind == "user" {
            for g in r
                .attribute("groups")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(&gi) = g.as_str().and_then(|g| groups.get(g)) {
                    let group = &resources[gi];
                    member_of.push(gi);
                    managed.extend(customer_managed(group));
                    policies.extend(
                        policy_docs(group, &format!("group {}: ", group.name))
                            .into_iter()
                            .map(|(n, d, _)| (n, never_again(d, today))),
                    );
                }
            }
        }
        let boundary = r
            .attribute("permissions_boundary")
            .filter(|b| !b.is_null())
            .and_then(|b| {
                managed_document(resources, b)
                    .or_else(|| Some(("boundary (not resolved)".into(), Document::default())))
            });
        let path = r.attribute("path").and_then(Json::as_str).unwrap_or("/");
        let arn = r.origin.arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:iam::{}:{kind}{path}{}",
                r.account.as_deref().unwrap_or("*"),
                r.name
            )
        });
        // Principals from Terraform carry no account: with the SCPs of exactly one account in
        // the scan, they are taken to live there.
        let scps = r
            .account
            .as_ref()
            .and_then(|a| scps.get(a))
            .or_else(|| (scps.len() == 1).then(|| scps.values().next()).flatten())
            .cloned()
            .unwrap_or_default();
        out.push(Principal {
            scps,
            idx,
            uid: r.uid.clone(),
            address: r.address().to_string(),
            kind,
            name: r.name.clone(),
            arn,
            account: r.account.clone(),
            policies,
            paths,
            boundary,
            trust: (kind == "role").then(|| {
                r.attribute("assume_role_policy")
                    .map(parse)
                    .unwrap_or_default()
            }),
            arn_tail: format!(":{kind}/{}", r.name),
            relevant: HashMap::new(),
            managed,
            groups: member_of,
        });
    }
    let principal_of: HashMap<usize, usize> =
        out.iter().enumerate().map(|(i, p)| (p.idx, i)).collect();
    for p in &mut out {
        for g in &mut p.groups {
            *g = principal_of[g];
        }
    }
    out.par_iter_mut().for_each(Principal::index_actions);
    out
}

/// The document with every Allow statement whose condition can never hold again (a date in the
/// past it must be before) granting nothing: its place in the document stays, for findings.
fn never_again(mut doc: Document, today: time::Date) -> Document {
    for st in doc.statements.iter_mut().filter(|st| {
        st.effect == Effect::Allow && st.conditions.iter().any(|c| c.never_holds_after(today))
    }) {
        st.actions.values.clear();
        st.actions.not = false;
    }
    doc
}

/// The customer managed policies attached to a principal, as (ARN, address): the ARN as read,
/// or built from the name. An account not known is twelve `?`: any account id, but never `aws`,
/// the account of the AWS managed policies nobody else can change.
fn customer_managed(r: &Resource) -> Vec<(String, String)> {
    r.attribute("policies")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p["kind"] == "managed")
        .map(|p| {
            let arn = p["arn"].as_str().map(str::to_string).unwrap_or_else(|| {
                format!(
                    "arn:aws:iam::{}:policy/{}",
                    r.account.as_deref().unwrap_or("????????????"),
                    p["name"].as_str().unwrap_or("*")
                )
            });
            let address = p["policy_uid"]
                .as_str()
                .map(|u| u.rsplit(':').next().unwrap_or(u).to_string())
                .or_else(|| str_of(&p["arn"]))
                .unwrap_or_default();
            (arn, address)
        })
        .collect()
}

/// Every action the analysis evaluates, indexed per principal up front.
/// Service control policy levels per account: for the root, each OU on the way down and the
/// account itself, the SCPs attached there merged into one document (within a level any policy
/// may allow; every level must). A level with nothing attached in the data is left out: AWS always
/// attaches at least one, so the data is incomplete there, and assuming "deny all" would hide
/// every finding.
fn scp_levels(resources: &[Resource]) -> HashMap<String, Vec<(String, Document)>> {
    let scps: Vec<&Resource> = resources
        .iter()
        .filter(|r| {
            r.resource_type == "aws_organizations_policy"
                && r.attribute("type").and_then(Json::as_str) == Some("SERVICE_CONTROL_POLICY")
        })
        .collect();
    let attached_to = |p: &Resource, target: &str| {
        p.attribute("targets")
            .and_then(Json::as_array)
            .is_some_and(|ts| ts.iter().any(|t| t.as_str() == Some(target)))
    };
    resources
        .iter()
        .filter(|r| r.resource_type == "aws_organizations_account")
        .filter_map(|a| {
            let id = a.attribute("id")?.as_str()?;
            let path = a.attribute("path").and_then(Json::as_array);
            let targets = path
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .chain([id]);
            let levels = targets
                .filter_map(|t| {
                    let attached: Vec<&&Resource> =
                        scps.iter().filter(|p| attached_to(p, t)).collect();
                    if attached.is_empty() {
                        return None;
                    }
                    let statements: Vec<Json> = attached
                        .iter()
                        .flat_map(|p| match p.attribute("content").map(|c| &c["Statement"]) {
                            Some(Json::Array(v)) => v.clone(),
                            Some(st @ Json::Object(_)) => vec![st.clone()],
                            _ => vec![],
                        })
                        .collect();
                    let names: Vec<&str> = attached.iter().map(|p| p.name.as_str()).collect();
                    Some((
                        format!("SCP at {t} ({})", names.join(", ")),
                        parse(&json!({ "Statement": statements })),
                    ))
                })
                .collect();
            Some((id.to_string(), levels))
        })
        .collect()
}

/// Every action the analysis asks about, indexed per principal up front (a question about another
/// action scans the policies); `data_actions` are all here, as a test checks.
const ANALYSED_ACTIONS: [&str; 48] = [
    "sts:assumerole",
    "iam:passrole",
    "iam:updateassumerolepolicy",
    "iam:addusertogroup",
    "lambda:updatefunctioncode",
    "iam:createpolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:attachrolepolicy",
    "iam:putrolepolicy",
    "iam:attachuserpolicy",
    "iam:putuserpolicy",
    "iam:attachgrouppolicy",
    "iam:putgrouppolicy",
    "iam:createaccesskey",
    "iam:createloginprofile",
    "iam:updateloginprofile",
    "iam:createuser",
    "ec2:runinstances",
    "s3:getobject",
    "kms:decrypt",
    "lambda:createfunction",
    "lambda:invokefunction",
    "lambda:createeventsourcemapping",
    "cloudformation:createstack",
    "glue:createdevendpoint",
    "sagemaker:createnotebookinstance",
    "sagemaker:createpresignednotebookinstanceurl",
    "codebuild:createproject",
    "codebuild:startbuild",
    "ecs:runtask",
    "ecs:registertaskdefinition",
    "s3:getobjectversion",
    "s3:putobject",
    "s3:deleteobject",
    "s3:deleteobjectversion",
    "dynamodb:getitem",
    "dynamodb:query",
    "dynamodb:putitem",
    "rds-db:connect",
    "kms:generatedatakey",
    "dynamodb:batchgetitem",
    "dynamodb:scan",
    "dynamodb:exporttabletopointintime",
    "dynamodb:updateitem",
    "dynamodb:deleteitem",
    "dynamodb:batchwriteitem",
    "rds-data:executestatement",
    "kms:encrypt",
];

/// Whether a trust policy admits a principal, and whether it names it explicitly (then the
/// principal needs no identity permission for sts:AssumeRole in the same account).
fn trusts(trust: &Document, p: &Principal) -> Option<bool> {
    for st in trust
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        let Some(pr) = &st.principals else { continue };
        if pr.not || !action_matches(&st.actions, "sts:assumerole") {
            continue;
        }
        for v in pr.of_kind("AWS") {
            match v {
                Value::Text(t) if t == "*" => return Some(false),
                Value::Text(t) if t == &p.arn || t.ends_with(&p.arn_tail) => return Some(true),
                Value::Text(t) if t.ends_with(":root") || t.len() == 12 => {
                    let acct = t
                        .trim_start_matches("arn:aws:iam::")
                        .trim_end_matches(":root");
                    if p.account.as_deref().is_none_or(|a| a == acct) {
                        return Some(false);
                    }
                }
                Value::Unknown(r) if refers_to(r, &p.address) => return Some(true),
                Value::Unknown(r) if r.contains(":root") => return Some(false),
                _ => {}
            }
        }
    }
    None
}

fn trusts_service(trust: &Document, service: &str) -> bool {
    trust.statements.iter().any(|st| {
        st.effect == Effect::Allow
            && st
                .principals
                .as_ref()
                .is_some_and(|p| p.of_kind("Service").any(|v| v.text() == service))
    })
}

/// One step of an escalation path.
#[derive(Serialize, Clone, Debug)]
pub struct Step {
    pub from: String,
    pub to: String,
    pub method: String,
    pub via: String,
    /// The conditions the step's grant holds under (empty: always).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

/// One edge of the escalation graph: the principal it leads to, how, and under which conditions.
/// A `grants` edge ends the path: after it the principal it leads to holds any permission (the
/// principal changed its policies, then became it).
#[derive(Clone)]
struct Edge {
    to: usize,
    method: String,
    via: String,
    conditions: Vec<String>,
    grants: bool,
}

fn via_text(v: &Via) -> String {
    format!(
        "{} statement {}{}",
        v.policy,
        v.statement,
        v.sid
            .as_ref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default()
    )
}

/// The actions that give a principal of this kind any permission (a policy attached or put).
fn modify_actions(kind: &str) -> &'static [&'static str] {
    match kind {
        "role" => &["iam:attachrolepolicy", "iam:putrolepolicy"],
        "user" => &["iam:attachuserpolicy", "iam:putuserpolicy"],
        _ => &["iam:attachgrouppolicy", "iam:putgrouppolicy"],
    }
}

/// Ways to act as another user: a new access key or a console password. (Attaching a policy to
/// another user changes what that user may do, not what the principal may do.)
const USER_TAKEOVER: [&str; 3] = [
    "iam:createaccesskey",
    "iam:createloginprofile",
    "iam:updateloginprofile",
];

/// An action as AWS spells it (`s3:GetObject` for `s3:getobject`), or as given if unknown.
fn display(a: &str) -> String {
    catalog()
        .get(a)
        .map_or(a.to_string(), |x| x.name.to_string())
}

/// How `p` can give `q` any permission: attach or put a policy on `q`, or write a new default
/// version of a customer managed policy `q` holds (its own or its groups'); an unconditional way
/// first, with the conditions of the way found (empty: always).
fn grant_to(p: &Principal, q: &Principal) -> Option<(String, Via, Vec<String>)> {
    let on = |what: String| {
        if std::ptr::eq(p, q) {
            String::new()
        } else {
            format!(" on {what}")
        }
    };
    let direct = modify_actions(q.kind).iter().filter_map(|a| {
        p.can_when(a, &q.arn, Some(&q.address)).map(|(v, c)| {
            (
                format!("{}{}", display(a), on(format!("{} {}", q.kind, q.name))),
                v,
                c,
            )
        })
    });
    let versions = q.managed.iter().flat_map(|(arn, address)| {
        ["iam:createpolicyversion", "iam:setdefaultpolicyversion"]
            .into_iter()
            .filter_map(move |a| {
                let name = arn.rsplit('/').next().unwrap_or(arn);
                p.can_when(a, arn, Some(address))
                    .map(|(v, c)| (format!("{} on policy {name}", display(a)), v, c))
            })
    });
    let (how, via, mut conditions) = direct.chain(versions).min_by_key(|(_, _, c)| c.len())?;
    // An explicit Deny in q's own policies stays whatever is attached: only replacing or
    // removing the policy that holds it lifts it.
    let denying: Vec<&str> = q
        .policies
        .iter()
        .filter(|(n, d)| {
            !n.starts_with("group ") && d.statements.iter().any(|st| st.effect == Effect::Deny)
        })
        .map(|(n, _)| n.as_str())
        .collect();
    if denying.is_empty() {
        return Some((how, via, conditions));
    }
    let lifts: &[&'static str] = match q.kind {
        "role" => &[
            "iam:putrolepolicy",
            "iam:deleterolepolicy",
            "iam:detachrolepolicy",
        ],
        "user" => &[
            "iam:putuserpolicy",
            "iam:deleteuserpolicy",
            "iam:detachuserpolicy",
        ],
        _ => &[
            "iam:putgrouppolicy",
            "iam:deletegrouppolicy",
            "iam:detachgrouppolicy",
        ],
    };
    let lift = lifts.iter().find_map(|a| {
        let inline = a.contains("put") || a.contains("delete");
        denying
            .iter()
            .all(|n| n.starts_with("inline:") == inline)
            .then(|| p.can_when(a, &q.arn, Some(&q.address)))
            .flatten()
            .map(|(_, c)| (a, c))
    });
    let how = match lift {
        Some((a, c)) => {
            conditions.extend(c);
            format!(
                "{how}, after {} lifts the Deny in {}",
                display(a),
                denying.join(", ")
            )
        }
        None => format!("{how} (the Deny in {} stays)", denying.join(", ")),
    };
    Some((how, via, conditions))
}

/// How each principal can grant itself anything: through its own policies, a group it belongs
/// to (AttachGroupPolicy on its own group), or a managed policy it holds.
fn self_grants(ps: &[Principal]) -> Vec<Option<(String, Via, Vec<String>)>> {
    ps.par_iter()
        .map(|p| {
            std::iter::once(grant_to(p, p))
                .chain(p.groups.iter().map(|&g| grant_to(p, &ps[g])))
                .flatten()
                .min_by_key(|(_, _, c)| c.len())
        })
        .collect()
}

/// Finds the principal a policy's `Principal` entry names: by ARN, by `:kind/name` at the end of
/// an ARN, or by a Terraform reference to its address.
struct PrincipalIndex<'p> {
    by_arn: HashMap<&'p str, usize>,
    by_kind_name: HashMap<(&'p str, &'p str), usize>,
    by_address: HashMap<&'p str, usize>,
}

impl<'p> PrincipalIndex<'p> {
    fn new(ps: &'p [Principal]) -> Self {
        let mut index = PrincipalIndex {
            by_arn: HashMap::new(),
            by_kind_name: HashMap::new(),
            by_address: HashMap::new(),
        };
        for (i, p) in ps.iter().enumerate() {
            index.by_arn.insert(&p.arn, i);
            index.by_kind_name.insert((p.kind, &p.name), i);
            index.by_address.insert(&p.address, i);
        }
        index
    }

    fn find(&self, v: &Value) -> Option<usize> {
        match v {
            Value::Text(t) => self.by_arn.get(t.as_str()).copied().or_else(|| {
                let tail = t.rsplit(':').next()?;
                let (kind, rest) = tail.split_once('/')?;
                self.by_kind_name
                    .get(&(kind, rest.rsplit('/').next()?))
                    .copied()
            }),
            Value::Unknown(r) => self.by_address.get(crate::model::ref_address(r)).copied(),
        }
    }
}

/// Roles whose trust policy names each principal explicitly (by ARN, name or reference).
fn named_in_trust(ps: &[Principal]) -> Vec<Vec<usize>> {
    let index = PrincipalIndex::new(ps);
    let mut out = vec![Vec::new(); ps.len()];
    for (j, q) in ps.iter().enumerate() {
        let Some(trust) = &q.trust else { continue };
        for st in trust.statements.iter().filter(|s| {
            s.effect == Effect::Allow && super::policy::action_matches(&s.actions, "sts:assumerole")
        }) {
            let Some(pr) = st.principals.as_ref().filter(|p| !p.not) else {
                continue;
            };
            for v in pr.of_kind("AWS") {
                if let Some(i) = index.find(v).filter(|&i| i != j) {
                    out[i].push(j);
                }
            }
        }
    }
    out
}

/// The account id in an ARN, when it is known.
fn account_of(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// The role a resource runs as, by the attribute that names it (a role ARN, name or reference)
/// or through the instance profile it names.
fn role_of(
    ps: &[Principal],
    roles: &[usize],
    resources: &[Resource],
    r: &Resource,
    method: &escalation::ExistingResource,
) -> Option<usize> {
    let role_ref = match (&method.role, &method.instance_profile) {
        (Some(attr), _) => r.attribute(attr).and_then(str_of)?,
        (None, Some(attr)) => {
            let profile = r.attribute(attr).and_then(str_of)?;
            let p = resources.iter().find(|x| {
                x.resource_type == "aws_iam_instance_profile"
                    && (refers_to(&profile, x.address())
                        || x.attribute("name").and_then(Json::as_str) == Some(profile.as_str())
                        || x.origin.arn.as_deref() == Some(profile.as_str()))
            })?;
            p.attribute("role").and_then(str_of)?
        }
        (None, None) => return None,
    };
    roles.iter().copied().find(|&j| {
        let q = &ps[j];
        refers_to(&role_ref, &q.address)
            || role_ref == q.arn
            || role_ref == q.name
            || role_ref.ends_with(&format!("role/{}", q.name))
    })
}

/// Edges "from can become to" of the escalation graph, from every principal that is not already
/// an administrator. Each kind of edge is only looked for when the principal's policies mention
/// the action at all, which keeps the graph linear in practice. No edge crosses accounts: the
/// catalog's methods act within one.
fn edges(ps: &[Principal], resources: &[Resource], admin: &[bool]) -> Vec<Vec<Edge>> {
    let named = named_in_trust(ps);
    let roles: Vec<usize> = ps
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind == "role")
        .map(|(j, _)| j)
        .collect();
    let methods = methods();
    // Resources that already run as a role, with the method that acts on them and that role.
    let running: Vec<(&Resource, &escalation::ExistingResource, usize)> = methods
        .existing_resource
        .iter()
        .flat_map(|m| {
            resources
                .iter()
                .filter(move |r| r.resource_type == m.resource_type)
                .map(move |r| (r, m))
        })
        .filter_map(|(r, m)| Some((r, m, role_of(ps, &roles, resources, r, m)?)))
        .collect();
    // Read once: the loops below compare every principal with every role.
    let accounts: Vec<Option<&str>> = ps.iter().map(|p| account_of(&p.arn)).collect();
    ps.par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut mine: Vec<Edge> = Vec::new();
            if admin[i] || p.kind == "group" {
                return mine;
            }
            let same_account = |j: usize| match (accounts[i], accounts[j]) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            let mentions = |a: &'static str| p.mentions(a);
            let mut add = |to: usize, method: String, (via, conditions): (Via, Vec<String>)| {
                mine.push(Edge {
                    to,
                    method,
                    via: via_text(&via),
                    conditions,
                    grants: false,
                })
            };
            for &j in &named[i] {
                let v = Via {
                    policy: format!("trust policy of {}", ps[j].name),
                    statement: 0,
                    sid: None,
                    wildcard: false,
                };
                add(j, "sts:AssumeRole (trusted by name)".into(), (v, vec![]));
            }
            let assume = mentions("sts:assumerole");
            let update_trust = assume && mentions("iam:updateassumerolepolicy");
            let pass = mentions("iam:passrole");
            for &j in roles.iter().filter(|&&j| j != i && same_account(j)) {
                let q = &ps[j];
                let trust = q.trust.as_ref().expect("roles have trust policies");
                if assume && trusts(trust, p) == Some(false) {
                    if let Some(v) = p.can_when("sts:assumerole", &q.arn, Some(&q.address)) {
                        add(j, "sts:AssumeRole".into(), v);
                    }
                }
                if update_trust {
                    if let (Some((v, mut c)), Some((_, c2))) = (
                        p.can_when("iam:updateassumerolepolicy", &q.arn, Some(&q.address)),
                        p.can_when("sts:assumerole", &q.arn, Some(&q.address)),
                    ) {
                        c.extend(c2);
                        add(
                            j,
                            "iam:UpdateAssumeRolePolicy + sts:AssumeRole".into(),
                            (v, c),
                        );
                    }
                }
                if !pass {
                    continue;
                }
                let mut usable = methods
                    .pass_role
                    .iter()
                    .filter(|m| trusts_service(trust, &m.service))
                    .peekable();
                if usable.peek().is_none() {
                    continue;
                }
                let Some((v, conditions)) = p.can_when("iam:passrole", &q.arn, Some(&q.address))
                else {
                    continue;
                };
                let way = usable.find_map(|m| {
                    m.actions.iter().find_map(|all| {
                        let more = all
                            .iter()
                            .map(|a| p.can_when(&a.lower, "*", None).map(|(_, c)| c))
                            .collect::<Option<Vec<_>>>()?;
                        Some((m, all, more.concat()))
                    })
                });
                if let Some((m, all, more)) = way {
                    let names: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
                    let mut conditions = conditions;
                    conditions.extend(more);
                    add(
                        j,
                        format!("iam:PassRole + {} [{}]", names.join(" + "), m.id),
                        (v, conditions),
                    );
                }
            }
            if USER_TAKEOVER.iter().any(|a| mentions(a)) {
                for (j, q) in ps
                    .iter()
                    .enumerate()
                    .filter(|(j, q)| *j != i && q.kind == "user" && same_account(*j))
                {
                    if let Some((a, v)) = USER_TAKEOVER
                        .iter()
                        .find_map(|a| p.can_when(a, &q.arn, Some(&q.address)).map(|v| (a, v)))
                    {
                        add(j, display(a), v);
                    }
                }
            }
            if p.kind == "user" && mentions("iam:addusertogroup") {
                for (j, q) in ps.iter().enumerate().filter(|(_, q)| q.kind == "group") {
                    if let Some(v) = p.can_when("iam:addusertogroup", &q.arn, Some(&q.address)) {
                        add(j, "iam:AddUserToGroup".into(), v);
                    }
                }
            }
            for (r, m, j) in running
                .iter()
                .filter(|(_, _, j)| *j != i && same_account(*j))
            {
                if !m.actions.iter().all(|a| p.mentions(&a.lower)) {
                    continue;
                }
                let arn = r.origin.arn.clone().unwrap_or_else(|| {
                    m.arn_of(|attr| r.attribute(attr).and_then(Json::as_str).map(str::to_string))
                });
                let grants = m
                    .actions
                    .iter()
                    .map(|a| p.can_when(&a.lower, &arn, Some(r.address())))
                    .collect::<Option<Vec<_>>>();
                if let Some(grants) = grants {
                    let via = grants[0].0.clone();
                    let conditions = grants.into_iter().flat_map(|(_, c)| c).collect();
                    let names: Vec<&str> = m.actions.iter().map(|a| a.name.as_str()).collect();
                    add(
                        *j,
                        format!("{} on {} [{}]", names.join(" + "), r.uid, m.id),
                        (via, conditions),
                    );
                }
            }
            // Changing the policies of a principal it can become: the change, then the way in,
            // ends the path (the one it becomes then holds anything). Only looked for when its
            // policies name a change at all: most principals with many edges cannot.
            let changes = modify_actions("role")
                .iter()
                .chain(modify_actions("user"))
                .chain(&["iam:createpolicyversion", "iam:setdefaultpolicyversion"])
                .any(|a| p.mentions(a));
            if !changes {
                return mine;
            }
            let granted: Vec<Edge> = mine
                .iter()
                .filter(|e| ps[e.to].kind != "group")
                .filter_map(|e| {
                    let (how, via, mut conditions) = grant_to(p, &ps[e.to])?;
                    conditions.extend(e.conditions.iter().cloned());
                    Some(Edge {
                        to: e.to,
                        method: format!("{how}, then {}", e.method),
                        via: via_text(&via),
                        conditions,
                        grants: true,
                    })
                })
                .collect();
            mine.extend(granted);
            mine
        })
        .collect()
}

/// Actions that read and write the data of each kind of store (`ResourceType::data_actions`).
fn data_actions(rtype: &str) -> (&'static [&'static str], &'static [&'static str]) {
    let a =
        crate::aws::resource_type(rtype).map_or(crate::aws::DataActions::NONE, |t| t.data_actions);
    (a.read, a.write)
}

/// The ARN data actions on a store are evaluated against, `*` standing for what is not known
/// yet (`records-${var.env}` is `records-*`: a grant that may reach it is reported).
fn data_arn(r: &Resource) -> Option<String> {
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
fn unknown_parts_as_wildcards(v: &Json) -> String {
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
fn literal_start(s: &str) -> &str {
    &s[..s.find(['*', '?']).unwrap_or(s.len())]
}

/// The principals that may hold a grant on a store, found by the literal start of the resource
/// patterns of their Allow statements for the store type's data actions (`arn:aws:s3:::rec`
/// for `arn:aws:s3:::rec*/*`). A pattern can name a resource only if its literal start is a
/// prefix of the ARN's (or, where the ARN has wildcards itself, the other way round), so a store
/// asks those principals, plus the ones whose grants cannot be indexed (NotResource, values
/// known only after apply), instead of every principal that mentions a data action: without it
/// the access map costs principals × stores decisions.
struct CandidateIndex<'p> {
    principals: Vec<&'p Principal>,
    /// Literal start of a pattern → positions in `principals`.
    by_start: BTreeMap<&'p str, Vec<usize>>,
    /// Positions of the principals with a grant that cannot be indexed.
    always: Vec<usize>,
}

impl<'p> CandidateIndex<'p> {
    fn new(ps: &'p [Principal], actions: &[&'static str]) -> Self {
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
    fn for_store(&self, arn: Option<&str>) -> Vec<&'p Principal> {
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
fn access_map(
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

/// Allow statements whose wildcard actions (`*`, `s3:*`, `iam:Put*`) grant write or
/// permissions-management actions on `*` without a condition, expanded through the catalog (actions that cannot be scoped to a
/// resource are left out: `*` is the only resource they take).
fn broad_write(doc: &Document) -> Vec<Json> {
    let c = catalog();
    doc.statements
        .iter()
        .filter(|st| st.effect == Effect::Allow && st.conditions.is_empty() && !st.actions.not)
        .filter(|st| st.resources.as_ref().is_some_and(|r| !r.not && r.values.iter().any(|v| v.text() == "*")))
        .filter_map(|st| {
            let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
            let mut examples = Vec::new();
            for v in st.actions.values.iter().filter(|v| v.text().contains(['*', '?'])) {
                for i in c.expand(v.text()) {
                    let a = &c.actions[i];
                    if a.scopable && matches!(a.level, AccessLevel::Write | AccessLevel::PermissionsManagement) {
                        *levels.entry(a.level.as_str()).or_default() += 1;
                        if examples.len() < 5 {
                            examples.push(a.name);
                        }
                    }
                }
            }
            (!levels.is_empty()).then(|| json!({"statement": st.index, "sid": st.sid, "levels": levels, "examples": examples}))
        })
        .collect()
}

/// Admin if every probe action is allowed on `*` unconditionally (catches NotAction tricks).
const ADMIN_PROBES: [&str; 6] = [
    "iam:createuser",
    "iam:attachrolepolicy",
    "ec2:runinstances",
    "s3:getobject",
    "sts:assumerole",
    "kms:decrypt",
];

/// For every principal, the first step of a shortest chain of edges to an administrator (through
/// conditional edges only when `conditional` is set): one breadth-first search backwards from all
/// administrators at once, so all chains cost O(V + E) together. A `grants` edge leads to an
/// administrator by itself (node `graph.len()` stands for "holds anything").
fn next_hops<'g, T>(
    graph: &'g [Vec<Edge>],
    admin: &[Option<T>],
    conditional: bool,
) -> Vec<Option<&'g Edge>> {
    let anything = graph.len();
    let mut incoming: Vec<Vec<(usize, &Edge)>> = vec![Vec::new(); graph.len() + 1];
    for (from, edges) in graph.iter().enumerate() {
        for e in edges
            .iter()
            .filter(|e| conditional || e.conditions.is_empty())
        {
            incoming[if e.grants { anything } else { e.to }].push((from, e));
        }
    }
    let mut next = vec![None; graph.len() + 1];
    let mut seen: Vec<bool> = admin.iter().map(Option::is_some).collect();
    seen.push(true);
    let mut queue: VecDeque<usize> = (0..seen.len()).filter(|&i| seen[i]).collect();
    while let Some(m) = queue.pop_front() {
        for &(from, e) in &incoming[m] {
            if !seen[from] {
                seen[from] = true;
                next[from] = Some(e);
                queue.push_back(from);
            }
        }
    }
    next.truncate(graph.len());
    next
}

/// The chain of steps `next_hops` found from `start`, if any.
fn path_from(ps: &[Principal], next: &[Option<&Edge>], start: usize) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut cur = start;
    while let Some(e) = next[cur] {
        steps.push(Step {
            from: ps[cur].uid.clone(),
            to: ps[e.to].uid.clone(),
            method: e.method.clone(),
            via: e.via.clone(),
            conditions: e.conditions.clone(),
        });
        if e.grants {
            break;
        }
        cur = e.to;
    }
    (!steps.is_empty()).then_some(steps)
}

/// Runs the whole analysis and attaches its facts to the resources.
/// Analyses each scope apart: principals and stores of one AWS account, or of one Terraform
/// root module whose account is not known. An administrator in one environment's root is not
/// linked to another root's stores unless both are known to be in the same account. The
/// organization's data (service control policies, accounts) is seen by every scope.
pub fn analyze(resources: &mut [Resource], today: time::Date) {
    let shared = |r: &Resource| r.resource_type.starts_with("aws_organizations_");
    let mut scopes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate().filter(|(_, r)| !shared(r)) {
        scopes.entry(scope_of(r)).or_default().push(i);
    }
    if scopes.len() <= 1 {
        analyze_scope(resources, today);
        return;
    }
    let organization: Vec<Resource> = resources.iter().filter(|r| shared(r)).cloned().collect();
    for idxs in scopes.values() {
        // Moved out and back rather than copied: a scope's resources are analysed in place.
        let mut part: Vec<Resource> = idxs
            .iter()
            .map(|&i| {
                std::mem::replace(&mut resources[i], Resource::new("", "", Default::default()))
            })
            .collect();
        part.extend(organization.iter().cloned());
        analyze_scope(&mut part, today);
        for (&i, r) in idxs.iter().zip(part) {
            resources[i] = r;
        }
    }
}

/// The account a resource is in, or else the Terraform root module it was evaluated in.
fn scope_of(r: &Resource) -> String {
    match (&r.account, &r.origin.root) {
        (Some(a), _) => format!("account {a}"),
        (None, Some(root)) => format!("root {root}"),
        (None, None) => String::new(),
    }
}

fn analyze_scope(resources: &mut [Resource], today: time::Date) {
    let ps = principals(resources, today);
    let self_grant = self_grants(&ps);
    let admin: Vec<Option<(String, String, Option<String>)>> = ps
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let full = ADMIN_PROBES
                .iter()
                .map(|a| p.can(a, "*", None))
                .collect::<Option<Vec<Via>>>();
            match (full, &self_grant[i]) {
                (Some(v), _) => Some((
                    "full".to_string(),
                    via_text(&v[0]),
                    p.paths.get(&v[0].policy).cloned(),
                )),
                (None, Some((how, via, conditions))) if conditions.is_empty() => Some((
                    "equivalent".to_string(),
                    format!("can grant itself any permission: {how} ({})", via_text(via)),
                    p.paths.get(&via.policy).cloned(),
                )),
                _ => None,
            }
        })
        .collect();
    let is_admin: Vec<bool> = admin.iter().map(Option::is_some).collect();
    let graph = edges(&ps, resources, &is_admin);
    // Shortest path from each principal to an administrator over "can become": one that always
    // holds if there is one, else one that holds under conditions, which is reported with them
    // rather than dropped. A conditional way to grant itself anything is a one-step
    // path to itself.
    let always = next_hops(&graph, &admin, false);
    let sometimes = next_hops(&graph, &admin, true);
    let paths: Vec<Option<Vec<Step>>> = (0..ps.len())
        .map(|start| {
            if admin[start].is_some() || ps[start].kind == "group" {
                return None;
            }
            path_from(&ps, &always, start)
                .or_else(|| {
                    self_grant[start].as_ref().map(|(how, via, conditions)| {
                        vec![Step {
                            from: ps[start].uid.clone(),
                            to: ps[start].uid.clone(),
                            method: format!("granting itself any permission: {how}"),
                            via: via_text(via),
                            conditions: conditions.clone(),
                        }]
                    })
                })
                .or_else(|| path_from(&ps, &sometimes, start))
        })
        .collect();
    for (i, p) in ps.iter().enumerate() {
        let issues: Vec<Json> = p
            .policies
            .iter()
            // A group's policies are reported on the group; AWS managed policies are AWS's to
            // keep (and may name actions newer than the catalog).
            .filter(|(n, _)| !n.starts_with("group ") && !n.starts_with("aws_managed:"))
            .flat_map(|(name, d)| {
                let mut v: Vec<Json> = d.issues.iter().map(|is| json!({"policy": name, "kind": is.kind, "statement": is.statement, "detail": is.detail})).collect();
                if !name.starts_with("aws_managed:") && !name.starts_with("managed:") {
                    v.extend(broad_write(d).into_iter().map(|b| json!({"policy": name, "kind": "broad_write", "statement": b["statement"], "detail": b})));
                }
                v
            })
            .collect();
        let r = &mut resources[p.idx];
        r.derived["iam"] = json!({
            "admin": admin[i].as_ref().map(|a| a.0.clone()),
            "admin_via": admin[i].as_ref().map(|a| a.1.clone()),
            "admin_path": admin[i].as_ref().and_then(|a| a.2.clone()),
            "escalation": paths[i],
        });
        r.derived["policy_issues"] = Json::Array(issues);
    }
    // Customer managed policies: issues of their own document. Policies that only serve as
    // permission boundaries limit rather than grant, so breadth is not a finding for them.
    let boundaries: Vec<String> = resources
        .iter()
        .filter_map(|r| r.attribute("permissions_boundary").and_then(str_of))
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "aws_iam_policy")
    {
        let attached = r
            .attribute("attachments")
            .and_then(Json::as_array)
            .is_some_and(|a| !a.is_empty())
            || r.attribute("attachment_count")
                .and_then(Json::as_u64)
                .unwrap_or(0)
                > 0;
        let boundary_only = r.attribute("used_as_boundary_only") == Some(&Json::Bool(true))
            || (!attached
                && boundaries.iter().any(|b| {
                    refers_to(b, r.address()) || r.origin.arn.as_deref() == Some(b.as_str())
                }));
        let d = r.attribute("document").map(parse).unwrap_or_default();
        let mut v: Vec<Json> = d.issues.iter().map(|is| json!({"policy": r.name, "kind": is.kind, "statement": is.statement, "detail": is.detail})).collect();
        if !boundary_only {
            v.extend(broad_write(&d).into_iter().map(|b| json!({"policy": r.name, "kind": "broad_write", "statement": b["statement"], "detail": b})));
        }
        r.derived["policy_issues"] = Json::Array(v);
    }
    // The access map of every store that holds FERPA data, and of the keys that encrypt them,
    // asking only the principals whose grants of a data action of the store's kind may name it.
    let mut candidates: HashMap<&str, CandidateIndex> = HashMap::new();
    for r in resources.iter() {
        let (read, write) = data_actions(&r.resource_type);
        if read.is_empty() || candidates.contains_key(r.resource_type.as_str()) {
            continue;
        }
        let actions: Vec<&'static str> = read.iter().chain(write).copied().collect();
        candidates.insert(r.resource_type.as_str(), CandidateIndex::new(&ps, &actions));
    }
    let index = PrincipalIndex::new(&ps);
    let maps: Vec<(usize, Vec<AccessEntry>)> = resources
        .par_iter()
        .enumerate()
        .filter(|(_, r)| {
            r.derived.get("strict") == Some(&Json::Bool(true))
                && !data_actions(&r.resource_type).0.is_empty()
        })
        .map(|(i, r)| {
            let who = candidates[r.resource_type.as_str()].for_store(data_arn(r).as_deref());
            (i, access_map(&who, &ps, &index, r))
        })
        .collect();
    for (i, map) in maps {
        resources[i].derived["wildcard_access"] = wildcard_access(&map);
        resources[i].derived["access"] = serde_json::to_value(map).unwrap_or_default();
    }
}

/// Per principal, what it may do to the store only through an unconditional wildcard grant, its
/// reads and writes together, sorted by principal (IAM-10 names the first ones of each store).
fn wildcard_access(map: &[AccessEntry]) -> Json {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_access_groups_unconditional_wildcard_grants_per_principal() {
        let entry = |principal: &str, access, wildcard, conditional| AccessEntry {
            principal: principal.into(),
            principal_type: "role",
            access,
            actions: vec![],
            via: format!("{principal} statement 0"),
            wildcard,
            conditional,
            conditions: vec![],
            through: "identity policy",
            also_via: vec![],
        };
        let map = [
            entry("ci", "read", true, false),
            entry("ci", "write", true, false),
            entry("app", "read", false, false),
            entry("mfa", "read", true, true),
        ];
        assert_eq!(
            wildcard_access(&map),
            json!([{"principal": "ci", "access": ["read", "write"], "via": ["ci statement 0"]}])
        );
    }

    /// The candidate index only saves work: over every pairing of a grant's resource pattern
    /// (wildcards anywhere, `?`, NotResource, other services) with a store (names known, known
    /// in part, other accounts), the access map is the one asking every principal would give.
    #[test]
    fn candidate_index_leaves_the_access_map_as_it_is() {
        let patterns = [
            "*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::records/*",
            "arn:aws:s3:::records",
            "arn:aws:s3:::rec*",
            "arn:aws:s3:::rec?rds/*",
            "arn:aws:s3:::*cords/*",
            "arn:aws:s3:::re*/exports/*",
            "arn:aws:s3:::records/exports/*",
            "arn:aws:s3:::other/*",
            "arn:aws:dynamodb:*:*:table/*",
            "arn:aws:dynamodb:us-east-1:111111111111:table/t*",
            "arn:aws:dynamodb:us-east-1:222222222222:table/t1",
            "arn:aws:dynamodb:*:111111111111:table/t1",
        ];
        let mut resources = Vec::new();
        for (i, pattern) in patterns.iter().enumerate() {
            for not in [false, true] {
                let key = if not { "NotResource" } else { "Resource" };
                let name = format!("u{i}{}", if not { "n" } else { "" });
                let mut u = Resource::new(
                    format!("aws_iam_user.{name}"),
                    "aws_iam_user",
                    crate::model::Origin {
                        arn: Some(format!("arn:aws:iam::111111111111:user/{name}")),
                        ..Default::default()
                    },
                );
                u.name = name.clone();
                u.attributes = json!({"name": name, "path": "/", "groups": [], "policies": [
                    {"name": "p", "kind": "inline", "arn": null, "document": {"Statement": [
                        {"Effect": "Allow", "Action": ["s3:GetObject", "dynamodb:GetItem"], key: pattern}]}}]});
                resources.push(u);
            }
        }
        let store = |rtype: &str, name: &str, arn: Option<&str>| {
            let mut r = Resource::new(
                format!("{rtype}.{name}"),
                rtype,
                crate::model::Origin {
                    arn: arn.map(str::to_string),
                    ..Default::default()
                },
            );
            r.name = name.into();
            r.attributes = json!({"bucket": name});
            r
        };
        let stores = [
            store("aws_s3_bucket", "records", Some("arn:aws:s3:::records")),
            store("aws_s3_bucket", "rec", Some("arn:aws:s3:::rec")),
            store("aws_s3_bucket", "recxrds", Some("arn:aws:s3:::recxrds")),
            store("aws_s3_bucket", "other", Some("arn:aws:s3:::other")),
            // A bucket whose name is known only in part, and one known not at all.
            store("aws_s3_bucket", "rec*", None),
            store("aws_s3_bucket", "*", None),
            store(
                "aws_dynamodb_table",
                "t1",
                Some("arn:aws:dynamodb:us-east-1:111111111111:table/t1"),
            ),
            store("aws_dynamodb_table", "t1", None),
        ];
        let ps = principals(&resources, crate::suppress::today());
        let index = PrincipalIndex::new(&ps);
        let mut compared = 0;
        for r in &stores {
            let (read, write) = data_actions(&r.resource_type);
            let actions: Vec<&'static str> = read.iter().chain(write).copied().collect();
            let everyone: Vec<&Principal> = ps.iter().filter(|p| p.kind != "group").collect();
            let asked = CandidateIndex::new(&ps, &actions).for_store(data_arn(r).as_deref());
            let all = serde_json::to_value(access_map(&everyone, &ps, &index, r)).unwrap();
            let indexed = serde_json::to_value(access_map(&asked, &ps, &index, r)).unwrap();
            assert_eq!(all, indexed, "{} ({:?})", r.uid, data_arn(r));
            compared += all.as_array().unwrap().len();
        }
        assert!(
            compared > 40,
            "the grid grants something: {compared} entries"
        );
    }

    /// Taking over a user in another account is no step: the catalog's methods act within one.
    #[test]
    fn no_escalation_step_crosses_accounts() {
        let user = |name: &str, account: &str, action: &str| {
            let mut r = Resource::new(
                format!("aws_iam_user.{name}"),
                "aws_iam_user",
                crate::model::Origin {
                    arn: Some(format!("arn:aws:iam::{account}:user/{name}")),
                    ..Default::default()
                },
            );
            r.name = name.into();
            r.attributes = json!({"name": name, "path": "/", "groups": [], "policies": [
                {"name": "p", "kind": "inline", "arn": null,
                 "document": {"Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}}]});
            r
        };
        let escalation = |target_account: &str| {
            let mut rs = vec![
                user("attacker", "111111111111", "iam:CreateAccessKey"),
                user("admin", target_account, "*"),
            ];
            analyze(&mut rs, crate::suppress::today());
            rs[0].derived["iam"]["escalation"].clone()
        };
        assert!(
            escalation("111111111111").is_array(),
            "same account: a path"
        );
        assert_eq!(
            escalation("222222222222"),
            Json::Null,
            "another account: none"
        );
    }

    #[test]
    fn every_data_action_is_indexed() {
        for t in crate::aws::resource_types() {
            let (read, write) = data_actions(t.name);
            let t = t.name;
            for a in read.iter().chain(write) {
                assert!(ANALYSED_ACTIONS.contains(a), "{a} of {t} is not indexed");
            }
        }
    }
}
