//! Privilege escalation: the graph of what each principal can make of another (assume, pass,
//! modify, take over) and the shortest path from each to administrator.

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{HashMap, VecDeque};

use super::catalog::catalog;
use super::escalation::{self, methods};
use super::policy::{refers_to, Effect, Value, Via};
use super::principals::{str_of, trusts, trusts_service, Principal};
use crate::model::Resource;

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
pub(super) struct Edge {
    pub(super) to: usize,
    pub(super) method: String,
    pub(super) via: String,
    pub(super) conditions: Vec<String>,
    pub(super) grants: bool,
}

pub(super) fn via_text(v: &Via) -> String {
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
pub(super) fn modify_actions(kind: &str) -> &'static [&'static str] {
    match kind {
        "role" => &["iam:attachrolepolicy", "iam:putrolepolicy"],
        "user" => &["iam:attachuserpolicy", "iam:putuserpolicy"],
        _ => &["iam:attachgrouppolicy", "iam:putgrouppolicy"],
    }
}

/// Ways to act as another user: a new access key or a console password. (Attaching a policy to
/// another user changes what that user may do, not what the principal may do.)
pub(super) const USER_TAKEOVER: [&str; 3] = [
    "iam:createaccesskey",
    "iam:createloginprofile",
    "iam:updateloginprofile",
];

/// An action as AWS spells it (`s3:GetObject` for `s3:getobject`), or as given if unknown.
pub(super) fn display(a: &str) -> String {
    catalog()
        .get(a)
        .map_or(a.to_string(), |x| x.name.to_string())
}

/// How `p` can give `q` any permission: attach or put a policy on `q`, or write a new default
/// version of a customer managed policy `q` holds (its own or its groups'); an unconditional way
/// first, with the conditions of the way found (empty: always).
pub(super) fn grant_to(p: &Principal, q: &Principal) -> Option<(String, Via, Vec<String>)> {
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
pub(super) fn self_grants(ps: &[Principal]) -> Vec<Option<(String, Via, Vec<String>)>> {
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
pub(super) struct PrincipalIndex<'p> {
    pub(super) by_arn: HashMap<&'p str, usize>,
    pub(super) by_kind_name: HashMap<(&'p str, &'p str), usize>,
    pub(super) by_address: HashMap<&'p str, usize>,
}

impl<'p> PrincipalIndex<'p> {
    pub(super) fn new(ps: &'p [Principal]) -> Self {
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

    pub(super) fn find(&self, v: &Value) -> Option<usize> {
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
pub(super) fn named_in_trust(ps: &[Principal]) -> Vec<Vec<usize>> {
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
pub(super) fn account_of(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// The role a resource runs as, by the attribute that names it (a role ARN, name or reference)
/// or through the instance profile it names.
pub(super) fn role_of(
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
pub(super) fn edges(ps: &[Principal], resources: &[Resource], admin: &[bool]) -> Vec<Vec<Edge>> {
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

/// Admin if every probe action is allowed on `*` unconditionally (catches NotAction tricks).
pub(super) const ADMIN_PROBES: [&str; 6] = [
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
pub(super) fn next_hops<'g, T>(
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
pub(super) fn path_from(
    ps: &[Principal],
    next: &[Option<&Edge>],
    start: usize,
) -> Option<Vec<Step>> {
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
