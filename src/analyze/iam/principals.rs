//! Principals and the documents that make up their permissions: identity policies (inline,
//! attached, through groups), permissions boundaries, service control policies, trust policies;
//! and which actions the analysis indexes per principal.

use rayon::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::HashMap;

use super::escalation;
use super::policy::{
    action_matches, apply_guards, decide_statements, parse, refers_to, Condition, Decision,
    Document, Effect, Named, Request, Statement, Value, Via,
};
use crate::model::{is_unknown, Resource, UNKNOWN_KEY};

/// A principal with the documents that make up its permissions.
pub(super) struct Principal {
    pub(super) idx: usize,
    pub(super) uid: String,
    /// What Terraform references to it name (its address), or its uid.
    pub(super) address: String,
    pub(super) kind: &'static str,
    pub(super) name: String,
    /// ARN, with `*` for the parts not known (account, path).
    pub(super) arn: String,
    pub(super) account: Option<String>,
    pub(super) policies: Vec<(String, Document)>,
    /// Policy name → its place in the resource's `policies` attribute, for findings to point at.
    pub(super) paths: HashMap<String, String>,
    pub(super) boundary: Option<(String, Document)>,
    /// The service control policies of its account, one merged document per level (root, each
    /// OU, the account), when the Organizations data is there.
    pub(super) scps: Vec<(String, Document)>,
    pub(super) trust: Option<Document>,
    /// The customer managed policies that apply to it (its own and its groups'), as (ARN,
    /// Terraform address): a new default version of one changes its permissions. AWS managed
    /// policies are left out: nobody but AWS can change them.
    pub(super) managed: Vec<(String, String)>,
    /// The groups whose policies are its own too, by index among the principals.
    pub(super) groups: Vec<usize>,
    /// `:kind/name`, the tail of ARNs that name this principal.
    pub(super) arn_tail: String,
    /// Per action the analysis asks about: the (policy, statement) pairs whose Action/NotAction
    /// covers it. Built once, so principals can be shared across threads.
    pub(super) relevant: HashMap<&'static str, Vec<(usize, usize)>>,
}

impl Principal {
    /// Whether any Allow statement of its policies names the action, whatever the resource: a
    /// cheap test that skips evaluations that cannot succeed.
    pub(super) fn mentions(&self, action: &'static str) -> bool {
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
    pub(super) fn with_relevant<'s, R>(
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

    pub(super) fn index_actions(&mut self) {
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
    pub(super) fn decide(
        &self,
        action: &'static str,
        arn: Option<&str>,
        address: Option<&str>,
    ) -> Decision {
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
    pub(super) fn can(
        &self,
        action: &'static str,
        arn: &str,
        address: Option<&str>,
    ) -> Option<Via> {
        self.can_when(action, arn, address)
            .filter(|(_, conditions)| conditions.is_empty())
            .map(|(via, _)| via)
    }

    /// Allowed, and under which conditions (empty: always).
    pub(super) fn can_when(
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
pub(super) fn condition_texts(conditions: &[Condition], unknown_resource: bool) -> Vec<String> {
    let mut out: Vec<String> = conditions
        .iter()
        .map(|c| format!("{} {} {:?}", c.operator, c.key, c.values))
        .collect();
    if unknown_resource {
        out.push("the resource it names is known only after apply".into());
    }
    out
}

pub(super) fn str_of(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        o if is_unknown(o) => o[UNKNOWN_KEY].as_str().map(str::to_string),
        _ => None,
    }
}

/// The document of a managed policy named by ARN or reference, from the snapshot or the AWS
/// managed policies rampart knows.
pub(super) fn managed_document(resources: &[Resource], arn: &Json) -> Option<(String, Document)> {
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

pub(super) fn principals(resources: &[Resource], today: time::Date) -> Vec<Principal> {
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
pub(super) fn never_again(mut doc: Document, today: time::Date) -> Document {
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
pub(super) fn customer_managed(r: &Resource) -> Vec<(String, String)> {
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
pub(super) fn scp_levels(resources: &[Resource]) -> HashMap<String, Vec<(String, Document)>> {
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
pub(super) const ANALYSED_ACTIONS: [&str; 48] = [
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
pub(super) fn trusts(trust: &Document, p: &Principal) -> Option<bool> {
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

pub(super) fn trusts_service(trust: &Document, service: &str) -> bool {
    trust.statements.iter().any(|st| {
        st.effect == Effect::Allow
            && st
                .principals
                .as_ref()
                .is_some_and(|p| p.of_kind("Service").any(|v| v.text() == service))
    })
}
