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

use rayon::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, HashMap};

use super::access::{
    access_map, data_actions, data_arn, wildcard_access, AccessEntry, CandidateIndex,
};
use super::catalog::{catalog, AccessLevel};
use super::paths::{
    edges, next_hops, path_from, self_grants, via_text, PrincipalIndex, Step, ADMIN_PROBES,
};
use super::policy::{parse, refers_to, Document, Effect, Via};
use super::principals::{principals, str_of};
use crate::model::Resource;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::iam::principals::{Principal, ANALYSED_ACTIONS};

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
