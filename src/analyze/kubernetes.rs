//! Facts about Kubernetes objects, computed in Rust for the rules:
//!
//! - namespaces: `derived.network_policy` (default-deny ingress and egress, policy count);
//! - role bindings: `derived.rbac`, the rules the binding grants (aggregated ClusterRoles
//!   expanded) and what they allow: reading secrets, exec into or creating pods, escalate, bind,
//!   impersonate, wildcards; and `iam_identities`, the IAM roles and users `aws-auth` maps to its
//!   subjects;
//! - service accounts: `derived.rbac`, every grant of every binding naming them (effective RBAC
//!   per subject);
//! - workloads: `derived.service_account`, `derived.iam_role` (IRSA annotation) and
//!   `derived.reaches`, the FERPA stores that role can read or write (from the access map).

use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::Resource;

const WORKLOADS: [&str; 7] = [
    "k8s_pod",
    "k8s_deployment",
    "k8s_stateful_set",
    "k8s_daemon_set",
    "k8s_replica_set",
    "k8s_job",
    "k8s_cron_job",
];

fn ns(r: &Resource) -> Option<&str> {
    r.attributes.get("namespace").and_then(Json::as_str)
}

fn empty_selector(sel: Option<&Json>) -> bool {
    match sel {
        None | Some(Json::Null) => true,
        Some(Json::Object(m)) => m.values().all(|v| match v {
            Json::Object(o) => o.is_empty(),
            Json::Array(a) => a.is_empty(),
            Json::Null => true,
            _ => false,
        }),
        _ => false,
    }
}

/// Whether a NetworkPolicy denies all traffic of a direction for every pod of its namespace.
fn default_deny(np: &Resource, direction: &str) -> bool {
    let spec = &np.attributes["spec"];
    if !empty_selector(spec.get("podSelector")) {
        return false;
    }
    let types: Vec<&str> = spec
        .get("policyTypes")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_else(|| {
            // Without policyTypes, Ingress always applies, Egress only if egress rules are present.
            if spec.get("egress").is_some() {
                vec!["Ingress", "Egress"]
            } else {
                vec!["Ingress"]
            }
        });
    let key = direction.to_ascii_lowercase();
    types.contains(&direction)
        && spec
            .get(&key)
            .and_then(Json::as_array)
            .is_none_or(|rules| rules.is_empty())
}

fn rules_of(role: &Resource, cluster_roles: &[&Resource]) -> Vec<Json> {
    let mut rules: Vec<Json> = role
        .attributes
        .get("rules")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    // Aggregated ClusterRoles: the union of the rules of the ClusterRoles whose labels match.
    for sel in role
        .attributes
        .pointer("/aggregationRule/clusterRoleSelectors")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let want = sel.get("matchLabels").and_then(Json::as_object);
        for cr in cluster_roles {
            if cr.uid == role.uid {
                continue;
            }
            if want.is_some_and(|w| {
                !w.is_empty()
                    && w.iter()
                        .all(|(k, v)| cr.tags.get(k).map(String::as_str) == v.as_str())
            }) {
                rules.extend(
                    cr.attributes
                        .get("rules")
                        .and_then(Json::as_array)
                        .cloned()
                        .unwrap_or_default(),
                );
            }
        }
    }
    rules
}

/// How a binding subject is keyed: `User:name`, `Group:name`, `ServiceAccount:namespace/name`.
fn subject_key(subject: &Json) -> Option<String> {
    let name = subject["name"].as_str().unwrap_or("");
    Some(match subject["kind"].as_str()? {
        "ServiceAccount" => format!(
            "ServiceAccount:{}/{name}",
            subject["namespace"].as_str().unwrap_or("default")
        ),
        kind => format!("{kind}:{name}"),
    })
}

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// What a set of RBAC rules allows, as named capabilities.
fn capabilities(rules: &[Json]) -> BTreeSet<&'static str> {
    let mut caps = BTreeSet::new();
    for r in rules {
        let verbs = strings(r.get("verbs"));
        let resources = strings(r.get("resources"));
        let has = |v: &str| verbs.iter().any(|x| x == "*" || x == v);
        let on = |res: &str| resources.iter().any(|x| x == "*" || x == res);
        if verbs.iter().any(|v| v == "*") || resources.iter().any(|r| r == "*") {
            caps.insert("wildcard");
        }
        if on("secrets") && (has("get") || has("list") || has("watch")) {
            caps.insert("read_secrets");
        }
        if on("pods/exec") && (has("create") || has("get")) {
            caps.insert("pods_exec");
        }
        if on("pods") && has("create") {
            caps.insert("create_pods");
        }
        if has("escalate") {
            caps.insert("escalate");
        }
        if has("bind") {
            caps.insert("bind");
        }
        if has("impersonate") {
            caps.insert("impersonate");
        }
    }
    caps
}

/// Attaches the Kubernetes facts. Runs after the IAM analysis (it reads the access map).
pub fn analyze(resources: &mut [Resource]) {
    network_policy_facts(resources);
    rbac_facts(resources);
    workload_facts(resources);
}

/// Per namespace: whether NetworkPolicies deny ingress and egress by default.
fn network_policy_facts(resources: &mut [Resource]) {
    let mut coverage: HashMap<String, (bool, bool, usize)> = HashMap::new();
    for np in resources
        .iter()
        .filter(|r| r.resource_type == "k8s_network_policy")
    {
        let e = coverage
            .entry(ns(np).unwrap_or("default").to_string())
            .or_default();
        e.0 |= default_deny(np, "Ingress");
        e.1 |= default_deny(np, "Egress");
        e.2 += 1;
    }
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "k8s_namespace")
    {
        let (ingress, egress, n) = coverage.get(&r.name).copied().unwrap_or_default();
        r.derived["network_policy"] =
            json!({"default_deny_ingress": ingress, "default_deny_egress": egress, "policies": n});
    }
}

/// Per binding, the rules it grants and what they allow, and the IAM identities behind its
/// subjects; per service account, every grant naming it.
fn rbac_facts(resources: &mut [Resource]) {
    let cluster_roles: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.resource_type == "k8s_cluster_role")
        .collect();
    let roles: HashMap<(Option<&str>, &str), &Resource> = resources
        .iter()
        .filter(|r| r.resource_type == "k8s_role" || r.resource_type == "k8s_cluster_role")
        .map(|r| {
            (
                (
                    if r.resource_type == "k8s_role" {
                        ns(r)
                    } else {
                        None
                    },
                    r.name.as_str(),
                ),
                r,
            )
        })
        .collect();
    let mut rbac: Vec<(usize, Json)> = Vec::new();
    for (i, b) in resources.iter().enumerate() {
        if b.resource_type != "k8s_role_binding" && b.resource_type != "k8s_cluster_role_binding" {
            continue;
        }
        let role_ref = &b.attributes["roleRef"];
        let role_name = role_ref["name"].as_str().unwrap_or("");
        let role_kind = role_ref["kind"].as_str().unwrap_or("ClusterRole");
        let role = if role_kind == "Role" {
            roles.get(&(ns(b), role_name))
        } else {
            roles.get(&(None, role_name))
        };
        let rules = role
            .map(|r| rules_of(r, &cluster_roles))
            .unwrap_or_default();
        let mut caps: BTreeSet<&str> = capabilities(&rules);
        if role_name == "cluster-admin" {
            caps.insert("cluster_admin");
            caps.insert("wildcard");
        }
        rbac.push((
            i,
            json!({
                "role": role_name,
                "role_kind": role_kind,
                "role_found": role.is_some() || role_name == "cluster-admin",
                "scope": if b.resource_type == "k8s_cluster_role_binding" { "cluster".to_string() } else { format!("namespace {}", ns(b).unwrap_or("default")) },
                "subjects": b.attributes.get("subjects").cloned().unwrap_or(json!([])),
                "capabilities": caps,
            }),
        ));
    }
    // Per subject: what every binding naming it grants, and where.
    let mut by_subject: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for (_, v) in &rbac {
        for subj in v["subjects"].as_array().into_iter().flatten() {
            let Some(key) = subject_key(subj) else {
                continue;
            };
            by_subject.entry(key).or_default().push(
                json!({"role": v["role"], "scope": v["scope"], "capabilities": v["capabilities"]}),
            );
        }
    }
    let mapped = iam_identities_by_subject(resources);
    for (_, v) in rbac.iter_mut() {
        let iam: BTreeSet<String> = v["subjects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| mapped.get(&subject_key(s)?))
            .flatten()
            .cloned()
            .collect();
        v["iam_identities"] = json!(iam);
    }
    for (i, v) in rbac {
        resources[i].derived["rbac"] = v;
    }
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "k8s_service_account")
    {
        let key = format!("ServiceAccount:{}/{}", ns(r).unwrap_or("default"), r.name);
        let grants = by_subject.get(&key).cloned().unwrap_or_default();
        let caps: BTreeSet<String> = grants
            .iter()
            .flat_map(|g| g["capabilities"].as_array().cloned().unwrap_or_default())
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect();
        r.derived["rbac"] = json!({"grants": grants, "capabilities": caps});
    }
}

/// Workload → service account → IAM role (IRSA or Pod Identity) → FERPA stores.
fn workload_facts(resources: &mut [Resource]) {
    let accounts: HashMap<(String, String), (Option<String>, Option<bool>)> = resources
        .iter()
        .filter(|r| r.resource_type == "k8s_service_account")
        .map(|r| {
            (
                (ns(r).unwrap_or("default").to_string(), r.name.clone()),
                (
                    r.attributes
                        .pointer("/metadata/annotations/eks.amazonaws.com~1role-arn")
                        .and_then(Json::as_str)
                        .map(str::to_string),
                    r.attributes
                        .get("automountServiceAccountToken")
                        .and_then(Json::as_bool),
                ),
            )
        })
        .collect();
    // EKS Pod Identity: the same link as the IRSA annotation, made on the EKS side.
    let pod_identity: HashMap<(String, String), (Json, Option<String>)> = resources
        .iter()
        .filter(|r| r.resource_type == "aws_eks_pod_identity_association")
        .filter_map(|r| {
            let namespace = r.attributes["namespace"].as_str()?.to_string();
            let sa = r.attributes["service_account"].as_str()?.to_string();
            Some((
                (namespace, sa),
                (r.attributes["role_arn"].clone(), r.origin.root.clone()),
            ))
        })
        .collect();
    // Roles Terraform declares, by root module and address: a reference resolves in its root.
    let declared_roles: Vec<(Option<String>, String, String)> = resources
        .iter()
        .filter(|r| r.resource_type == "aws_iam_role")
        .map(|r| {
            (
                r.origin.root.clone(),
                r.address().to_string(),
                r.uid.clone(),
            )
        })
        .collect();
    let roles_by_arn: HashMap<String, String> = resources
        .iter()
        .filter(|r| r.resource_type == "aws_iam_role")
        .flat_map(|r| {
            let mut keys = vec![format!("role/{}", r.name)];
            keys.extend(r.origin.arn.clone());
            keys.into_iter().map(move |k| (k, r.uid.clone()))
        })
        .collect();
    let mut reach: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for store in resources.iter() {
        for a in store
            .derived
            .get("access")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(p) = a["principal"].as_str() {
                reach.entry(p.to_string()).or_default().push(json!({"store": store.uid, "name": store.name, "access": a["access"], "via": a["via"]}));
            }
        }
    }
    for r in resources
        .iter_mut()
        .filter(|r| WORKLOADS.contains(&r.resource_type.as_str()))
    {
        let namespace = ns(r).unwrap_or("default").to_string();
        let sa = r
            .attributes
            .pointer("/pod_spec/serviceAccountName")
            .and_then(Json::as_str)
            .unwrap_or("default")
            .to_string();
        let key = (namespace.clone(), sa.clone());
        let (irsa, sa_automount) = accounts.get(&key).cloned().unwrap_or((None, None));
        let (role, role_root, role_via) = match (irsa, pod_identity.get(&key)) {
            (Some(arn), _) => (Some(Json::String(arn)), None, "irsa"),
            (None, Some((r, root))) => (Some(r.clone()), root.clone(), "pod_identity"),
            (None, None) => (None, None, ""),
        };
        let role_arn = role.as_ref().map(crate::model::text_of);
        let role_uid = match &role {
            // A role Terraform has not created yet: `aws_iam_role.api.arn` names it, in the root
            // module the association is declared in.
            Some(r) if crate::model::is_unknown(r) => declared_roles
                .iter()
                .find(|(root, address, _)| {
                    *root == role_root
                        && crate::analyze::iam::policy::refers_to(
                            &crate::model::text_of(r),
                            address,
                        )
                })
                .map(|(_, _, uid)| uid.clone()),
            Some(Json::String(arn)) => roles_by_arn
                .get(arn)
                .or_else(|| {
                    arn.rsplit_once(":role/").and_then(|(_, name)| {
                        roles_by_arn
                            .get(&format!("role/{}", name.rsplit('/').next().unwrap_or(name)))
                    })
                })
                .cloned(),
            _ => None,
        };
        let reaches = role_uid
            .as_ref()
            .and_then(|u| reach.get(u))
            .cloned()
            .unwrap_or_default();
        r.derived["service_account"] = json!({"name": sa, "automount_token": sa_automount});
        r.derived["iam_role"] = json!(role_arn);
        r.derived["iam_role_via"] = json!((!role_via.is_empty()).then_some(role_via));
        r.derived["iam_role_uid"] = json!(role_uid);
        r.derived["reaches"] = Json::Array(reaches);
    }
}

/// IAM roles and users mapped to Kubernetes users and groups, by the `aws-auth` ConfigMap and by
/// EKS access entries, keyed as RBAC subjects are (`User:name`, `Group:name`).
fn iam_identities_by_subject(resources: &[Resource]) -> BTreeMap<String, Vec<String>> {
    let mut mapped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in resources
        .iter()
        .filter(|r| r.resource_type == "aws_eks_access_entry")
    {
        let principal = crate::model::text_of(&e.attributes["principal_arn"]);
        let groups = e.attributes["kubernetes_groups"]
            .as_array()
            .into_iter()
            .flatten();
        let subjects = groups
            .filter_map(Json::as_str)
            .map(|g| format!("Group:{g}"))
            .chain(
                e.attributes["user_name"]
                    .as_str()
                    .map(|u| format!("User:{u}")),
            );
        for subject in subjects {
            mapped.entry(subject).or_default().push(principal.clone());
        }
    }
    for cm in crate::kubernetes::adapter::aws_auth_maps(resources) {
        for key in ["mapRoles", "mapUsers"] {
            // An unreadable mapping was reported when the snapshot was built.
            let entries = crate::kubernetes::adapter::aws_auth_entries(cm, key).unwrap_or_default();
            for e in entries {
                let Some(arn) = e
                    .get("rolearn")
                    .or_else(|| e.get("userarn"))
                    .and_then(Json::as_str)
                else {
                    continue;
                };
                if let Some(user) = e.get("username").and_then(Json::as_str) {
                    mapped
                        .entry(format!("User:{user}"))
                        .or_default()
                        .push(arn.to_string());
                }
                for g in e
                    .get("groups")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                {
                    mapped
                        .entry(format!("Group:{g}"))
                        .or_default()
                        .push(arn.to_string());
                }
            }
        }
    }
    mapped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubernetes::adapter::adapt;

    fn obj(v: Json) -> Resource {
        adapt(&v, "manifest", None, None, None)
    }

    #[test]
    fn default_deny_and_aggregated_roles() {
        let mut rs = vec![
            obj(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "records"}})),
            obj(
                json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "records"},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
            ),
            obj(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "agg"},
                "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example/agg": "true"}}]}, "rules": []}),
            ),
            obj(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "part", "labels": {"rbac.example/agg": "true"}},
                "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]}),
            ),
            obj(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"},
                "roleRef": {"kind": "ClusterRole", "name": "agg"}, "subjects": [{"kind": "Group", "name": "devs"}]}),
            ),
        ];
        analyze(&mut rs);
        assert_eq!(rs[0].derived["network_policy"]["default_deny_egress"], true);
        assert_eq!(
            rs[4].derived["rbac"]["capabilities"],
            json!(["read_secrets"])
        );
    }

    #[test]
    fn eks_identities_map_subjects_and_pod_identity_links_workloads() {
        let mut entry = Resource::new("e", "aws_eks_access_entry", Default::default());
        entry.attributes = json!({"principal_arn": "arn:aws:iam::1:role/ops", "kubernetes_groups": ["ops-admins"], "user_name": null});
        let mut pod_identity =
            Resource::new("a", "aws_eks_pod_identity_association", Default::default());
        pod_identity.attributes = json!({"namespace": "courses", "service_account": "api",
            "role_arn": {"__unknown__": "aws_iam_role.api.arn"}});
        let mut role = Resource::new("aws_iam_role.api", "aws_iam_role", Default::default());
        role.name = "api".into();
        let mut rs = vec![
            obj(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "ops"},
                "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"}, "subjects": [{"kind": "Group", "name": "ops-admins"}]}),
            ),
            obj(
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "courses"},
                "spec": {"template": {"spec": {"serviceAccountName": "api", "containers": [{"name": "c", "image": "x"}]}}}}),
            ),
            entry,
            pod_identity,
            role,
        ];
        analyze(&mut rs);
        assert_eq!(
            rs[0].derived["rbac"]["iam_identities"],
            json!(["arn:aws:iam::1:role/ops"])
        );
        assert_eq!(rs[1].derived["iam_role"], "aws_iam_role.api.arn");
        assert_eq!(rs[1].derived["iam_role_via"], "pod_identity");
        assert_eq!(rs[1].derived["iam_role_uid"], "aws_iam_role.api");
    }
}
