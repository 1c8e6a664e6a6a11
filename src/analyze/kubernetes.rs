//! Facts about Kubernetes objects, computed in Rust for the rules:
//!
//! - namespaces: `derived.network_policy` (default-deny ingress and egress, policy count);
//! - role bindings: `derived.rbac`, the rules the binding grants (aggregated ClusterRoles
//!   expanded) and what they allow: reading secrets, exec into or creating pods, escalate, bind,
//!   impersonate, wildcards; and `iam_identities`, the IAM roles and users `aws-auth` maps to its
//!   subjects;
//! - service accounts: `derived.rbac`, every grant of every binding naming them (effective RBAC
//!   per subject);
//! - workloads (every object with a pod template): `derived.workload`, `derived.controlled_by`
//!   (the controller in the input that made it), `derived.service_account`, `derived.iam_role`
//!   (IRSA annotation) and `derived.reaches`, the FERPA stores that role can read or write
//!   (from the access map).

use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Resource, SourceKind};

/// The cluster an object is in, for the joins between objects (a binding and its role, a
/// workload and its service account): the kubeconfig context of a live object; every manifest
/// of a scan counts as one cluster ("").
fn cluster(r: &Resource) -> &str {
    if r.origin.source != SourceKind::Kubernetes {
        return "";
    }
    // `k8s:<context>:[<namespace>/]<Kind>/<name>`; contexts (EKS ARNs) and names
    // (`system:…` roles) may both hold colons, so the known tail is taken off.
    let kind = r.attributes["kind_name"].as_str().unwrap_or_default();
    let tail = match ns(r) {
        Some(n) => format!(":{n}/{kind}/{}", r.name),
        None => format!(":{kind}/{}", r.name),
    };
    // A uid not of that shape stands for a cluster of its own: it joins nothing (its role
    // is then unknown, an error), rather than everything of the manifests' "" cluster.
    r.uid
        .strip_prefix("k8s:")
        .and_then(|rest| rest.strip_suffix(tail.as_str()))
        .unwrap_or(r.uid.as_str())
}

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

/// The RBAC API group.
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// Each capability the rules judge: the verbs that give it, on which API group and resources
/// (`*` in a rule expands to these; `resource/*` to the subresources). A rule reaches a
/// capability only when its groups, resources and verbs all do, so a wildcard on
/// `custom.metrics.k8s.io` reads no Secrets.
const CAPABILITIES: [(&str, &[&str], &str, &[&str]); 6] = [
    ("read_secrets", &["get", "list", "watch"], "", &["secrets"]),
    // `get` on pods/exec is what kubectl used before 1.30 (websocket upgrades).
    ("pods_exec", &["create", "get"], "", &["pods/exec"]),
    ("create_pods", &["create"], "", &["pods"]),
    (
        "escalate",
        &["escalate"],
        RBAC_GROUP,
        &["roles", "clusterroles"],
    ),
    ("bind", &["bind"], RBAC_GROUP, &["roles", "clusterroles"]),
    (
        "impersonate",
        &["impersonate"],
        "",
        &["users", "groups", "serviceaccounts"],
    ),
];

/// Whether an RBAC resource pattern (`*`, `pods`, `pods/*`, `pods/exec`) covers `resource`.
fn resource_matches(pattern: &str, resource: &str) -> bool {
    pattern == "*"
        || pattern == resource
        || pattern
            .strip_suffix("/*")
            .is_some_and(|parent| resource.split_once('/').is_some_and(|(p, _)| p == parent))
}

/// What a set of RBAC rules allows, as named capabilities. A rule limited to `resourceNames`
/// reaches only those objects: it does not read Secrets or exec into pods in general (creating
/// pods cannot be limited by name, so that still counts), and `impersonate` of named users is
/// still impersonation.
fn capabilities(rules: &[Json]) -> BTreeSet<&'static str> {
    let mut caps = BTreeSet::new();
    for r in rules {
        let verbs = strings(r.get("verbs"));
        let groups = strings(r.get("apiGroups"));
        let resources = strings(r.get("resources"));
        let named = !strings(r.get("resourceNames")).is_empty();
        if resources.is_empty() {
            continue; // nonResourceURLs: no object
        }
        if verbs.iter().any(|v| v == "*") || resources.iter().any(|r| r == "*") {
            caps.insert("wildcard");
        }
        for (cap, cap_verbs, group, cap_resources) in CAPABILITIES {
            let by_name_is_enough =
                matches!(cap, "create_pods" | "impersonate" | "escalate" | "bind");
            if named && !by_name_is_enough {
                continue;
            }
            let verb = verbs
                .iter()
                .any(|v| v == "*" || cap_verbs.contains(&v.as_str()));
            let group = groups.iter().any(|g| g == "*" || g == group);
            let resource = resources
                .iter()
                .any(|p| cap_resources.iter().any(|c| resource_matches(p, c)));
            if verb && group && resource {
                caps.insert(cap);
            }
        }
    }
    caps
}

/// The default ClusterRoles of every cluster, for manifests that bind them without declaring
/// them: what they allow (kubernetes.io "User-facing roles"). `system:` roles are Kubernetes'
/// own and judged through K8S-01.
fn builtin_capabilities(role: &str) -> Option<BTreeSet<&'static str>> {
    let all = || {
        CAPABILITIES
            .iter()
            .map(|c| c.0)
            .chain(["wildcard", "cluster_admin"])
            .collect()
    };
    match role {
        "cluster-admin" => Some(all()),
        "admin" | "edit" => {
            Some(["read_secrets", "pods_exec", "create_pods", "impersonate"].into())
        }
        "view" => Some(BTreeSet::new()),
        r if r.starts_with("system:") => Some(BTreeSet::new()),
        _ => None,
    }
}

/// Attaches the Kubernetes facts. Runs after the IAM analysis (it reads the access map).
pub fn analyze(resources: &mut [Resource]) {
    network_policy_facts(resources);
    rbac_facts(resources);
    workload_facts(resources);
}

/// Per namespace: whether NetworkPolicies deny ingress and egress by default.
fn network_policy_facts(resources: &mut [Resource]) {
    let mut coverage: HashMap<(String, String), (bool, bool, usize)> = HashMap::new();
    for np in resources
        .iter()
        .filter(|r| r.resource_type == "k8s_network_policy")
    {
        let e = coverage
            .entry((
                cluster(np).to_string(),
                ns(np).unwrap_or("default").to_string(),
            ))
            .or_default();
        e.0 |= default_deny(np, "Ingress");
        e.1 |= default_deny(np, "Egress");
        e.2 += 1;
    }
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "k8s_namespace")
    {
        let key = (cluster(r).to_string(), r.name.clone());
        let (ingress, egress, n) = coverage.get(&key).copied().unwrap_or_default();
        r.derived["network_policy"] =
            json!({"default_deny_ingress": ingress, "default_deny_egress": egress, "policies": n});
    }
}

/// Per binding, the rules it grants and what they allow, and the IAM identities behind its
/// subjects; per service account, every grant naming it. Roles resolve within one cluster. A
/// role that is in neither the input nor Kubernetes' defaults grants what cannot be told: its
/// capabilities are unknown, so the rules on the binding report `error`, not a pass.
fn rbac_facts(resources: &mut [Resource]) {
    let cluster_roles: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.resource_type == "k8s_cluster_role")
        .collect();
    let roles: HashMap<(&str, Option<&str>, &str), &Resource> = resources
        .iter()
        .filter(|r| r.resource_type == "k8s_role" || r.resource_type == "k8s_cluster_role")
        .map(|r| {
            let namespace = (r.resource_type == "k8s_role").then(|| ns(r)).flatten();
            ((cluster(r), namespace, r.name.as_str()), r)
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
        let namespace = (role_kind == "Role").then(|| ns(b)).flatten();
        let role = roles.get(&(cluster(b), namespace, role_name));
        let builtin = (role_kind == "ClusterRole")
            .then(|| builtin_capabilities(role_name))
            .flatten();
        let role_found = role.is_some() || builtin.is_some();
        let capabilities = match (role, builtin) {
            (Some(r), _) => {
                let mut caps = capabilities(&rules_of(r, &cluster_roles));
                if role_name == "cluster-admin" {
                    caps.extend(["cluster_admin", "wildcard"]);
                }
                json!(caps)
            }
            (None, Some(caps)) => json!(caps),
            (None, None) => crate::model::unknown(&format!(
                "the {role_kind} {role_name} is not in the input, so what it grants is not known"
            )),
        };
        rbac.push((
            i,
            json!({
                "role": role_name,
                "role_kind": role_kind,
                "role_found": role_found,
                "scope": if b.resource_type == "k8s_cluster_role_binding" { "cluster".to_string() } else { format!("namespace {}", ns(b).unwrap_or("default")) },
                "subjects": b.attributes.get("subjects").cloned().unwrap_or(json!([])),
                "capabilities": capabilities,
                "cluster": cluster(b),
            }),
        ));
    }
    // Per subject and cluster: what every binding naming it grants, and where.
    let mut by_subject: BTreeMap<(String, String), Vec<Json>> = BTreeMap::new();
    for (_, v) in &rbac {
        let place = v["cluster"].as_str().unwrap_or("").to_string();
        for subj in v["subjects"].as_array().into_iter().flatten() {
            let Some(key) = subject_key(subj) else {
                continue;
            };
            by_subject.entry((place.clone(), key)).or_default().push(
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
        v.as_object_mut().map(|m| m.remove("cluster"));
    }
    for (i, v) in rbac {
        resources[i].derived["rbac"] = v;
    }
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "k8s_service_account")
    {
        let key = format!("ServiceAccount:{}/{}", ns(r).unwrap_or("default"), r.name);
        let grants = by_subject
            .get(&(cluster(r).to_string(), key))
            .cloned()
            .unwrap_or_default();
        let mut caps: BTreeSet<String> = BTreeSet::new();
        let mut unknown = None;
        for c in grants.iter().map(|g| &g["capabilities"]) {
            match c.as_array() {
                Some(list) => {
                    caps.extend(list.iter().filter_map(|c| c.as_str().map(str::to_string)))
                }
                None => unknown = Some(c.clone()),
            }
        }
        let caps = unknown.unwrap_or_else(|| json!(caps));
        r.derived["rbac"] = json!({"grants": grants, "capabilities": caps});
    }
}

/// A service account by (cluster, namespace, name).
type AccountKey = (String, String, String);
/// What a service account says: its IRSA role ARN and `automountServiceAccountToken`.
type AccountFacts = (Option<String>, Option<bool>);

/// Workload → service account → IAM role (IRSA or Pod Identity) → FERPA stores.
fn workload_facts(resources: &mut [Resource]) {
    let accounts: HashMap<AccountKey, AccountFacts> = resources
        .iter()
        .filter(|r| r.resource_type == "k8s_service_account")
        .map(|r| {
            (
                (
                    cluster(r).to_string(),
                    ns(r).unwrap_or("default").to_string(),
                    r.name.clone(),
                ),
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
    // Owners, to judge a pod or ReplicaSet through the controller that made it, when that
    // controller is in the input too (otherwise the object itself is judged).
    let owners: HashMap<(&str, &str, &str, &str), String> = resources
        .iter()
        .filter(|r| r.attributes.get("pod_spec").is_some())
        .map(|r| {
            let kind = r.attributes["kind_name"].as_str().unwrap_or_default();
            (
                (
                    cluster(r),
                    ns(r).unwrap_or("default"),
                    kind,
                    r.name.as_str(),
                ),
                r.uid.clone(),
            )
        })
        .collect();
    let controllers: Vec<Option<String>> = resources
        .iter()
        .map(|r| {
            let refs = r
                .attributes
                .pointer("/metadata/ownerReferences")?
                .as_array()?;
            let owner = refs.iter().find(|o| o["controller"] == json!(true))?;
            let key = (
                cluster(r),
                ns(r).unwrap_or("default"),
                owner["kind"].as_str()?,
                owner["name"].as_str()?,
            );
            owners.get(&key).cloned()
        })
        .collect();
    for (r, controller) in resources.iter_mut().zip(controllers) {
        if !r.resource_type.starts_with("k8s_") || r.attributes.get("pod_spec").is_none() {
            continue;
        }
        r.derived["workload"] = json!(true);
        if let Some(owner) = controller {
            r.derived["controlled_by"] = json!(owner);
        }
        let namespace = ns(r).unwrap_or("default").to_string();
        let sa = r
            .attributes
            .pointer("/pod_spec/serviceAccountName")
            .and_then(Json::as_str)
            .unwrap_or("default")
            .to_string();
        let key = (namespace.clone(), sa.clone());
        let (irsa, sa_automount) = accounts
            .get(&(cluster(r).to_string(), namespace.clone(), sa.clone()))
            .cloned()
            .unwrap_or((None, None));
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
        adapt(&v, SourceKind::Manifest, None, None, None)
    }

    fn caps(rules: Json) -> Vec<&'static str> {
        capabilities(rules.as_array().unwrap())
            .into_iter()
            .collect()
    }

    #[test]
    fn capabilities_follow_api_groups_resources_and_names() {
        // Each capability, reached exactly, by a wildcard, and by a subresource wildcard.
        let all = json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]);
        assert_eq!(
            caps(all),
            [
                "bind",
                "create_pods",
                "escalate",
                "impersonate",
                "pods_exec",
                "read_secrets",
                "wildcard"
            ]
        );
        let exec = json!([{"apiGroups": [""], "resources": ["pods/*"], "verbs": ["create"]}]);
        assert_eq!(caps(exec), ["pods_exec"]);
        // Look-alikes that reach nothing: another API group, another resource, a subresource
        // that is not exec, names that limit a read.
        for rules in [
            json!([{"apiGroups": ["custom.metrics.k8s.io"], "resources": ["*"], "verbs": ["*"]}]),
            json!([{"apiGroups": ["argoproj.io"], "resources": ["roles"], "verbs": ["bind", "escalate"]}]),
            json!([{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]}]),
            json!([{"apiGroups": [""], "resources": ["pods/log", "pods/status"], "verbs": ["create", "get"]}]),
            json!([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls"], "verbs": ["get"]}]),
            json!([{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["impersonate"]}]),
            json!([{"nonResourceURLs": ["/metrics"], "verbs": ["*"]}]),
        ] {
            let found: Vec<&str> = caps(rules.clone())
                .into_iter()
                .filter(|c| *c != "wildcard")
                .collect();
            assert!(found.is_empty(), "{rules} reaches {found:?}");
        }
        // Names do not limit what creating pods or impersonating can do.
        let named = json!([{"apiGroups": [""], "resources": ["users"], "resourceNames": ["alice"], "verbs": ["impersonate"]}]);
        assert_eq!(caps(named), ["impersonate"]);
    }

    #[test]
    fn a_role_that_is_not_in_the_input_grants_what_cannot_be_told() {
        let mut rs = vec![
            obj(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "elsewhere", "namespace": "a"},
                "roleRef": {"kind": "ClusterRole", "name": "defined-elsewhere"}, "subjects": []}),
            ),
            obj(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "viewers", "namespace": "a"},
                "roleRef": {"kind": "ClusterRole", "name": "view"}, "subjects": []}),
            ),
        ];
        analyze(&mut rs);
        assert!(crate::model::is_unknown(
            &rs[0].derived["rbac"]["capabilities"]
        ));
        assert_eq!(rs[1].derived["rbac"]["capabilities"], json!([]));
    }

    #[test]
    fn objects_of_two_clusters_do_not_join() {
        let live =
            |context: &str, v: Json| adapt(&v, SourceKind::Kubernetes, Some(context), None, None);
        let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "exec"}, "rules": [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]});
        let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "exec"}, "roleRef": {"kind": "ClusterRole", "name": "exec"}, "subjects": []});
        let ctx = "arn:aws:eks:us-east-1:111111111111:cluster/prod";
        let mut rs = vec![live(ctx, role), live("staging", binding)];
        analyze(&mut rs);
        assert!(
            crate::model::is_unknown(&rs[1].derived["rbac"]["capabilities"]),
            "{}",
            rs[1].derived
        );
        assert_eq!(cluster(&rs[0]), ctx);
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
