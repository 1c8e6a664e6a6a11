//! Kubernetes objects as `k8s_*` resources. The attributes are the object without its status,
//! managed fields, and (for Secrets) any data: secret values never enter the model. Workloads
//! carry their pod template under `pod_spec`, so one rule covers Pods, Deployments, CronJobs…

use serde_json::{json, Value as Json};

use std::collections::BTreeMap;

use crate::model::{
    AttributeMeta, Diagnostic, DiagnosticLevel, Origin, Provenance, Resource, SourceKind, Span,
};

/// The `aws-auth` ConfigMaps (EKS) among the resources.
pub fn aws_auth_maps(resources: &[Resource]) -> impl Iterator<Item = &Resource> {
    resources.iter().filter(|r| {
        r.resource_type == "k8s_config_map"
            && r.name == "aws-auth"
            && r.attributes["namespace"].as_str().unwrap_or("kube-system") == "kube-system"
    })
}

/// The entries of an `aws-auth` list (`mapRoles`, `mapUsers`): YAML inside a string, so a
/// manifest can be valid while its mapping is not.
pub fn aws_auth_entries(cm: &Resource, key: &str) -> Result<Vec<Json>, serde_yaml_ng::Error> {
    match cm
        .attributes
        .pointer(&format!("/data/{key}"))
        .and_then(Json::as_str)
    {
        None => Ok(Vec::new()),
        Some(text) => {
            serde_yaml_ng::from_str::<Option<Vec<Json>>>(text).map(Option::unwrap_or_default)
        }
    }
}

/// An `aws-auth` mapping that cannot be read: who in IAM holds which Kubernetes groups is then
/// unknown, which the findings on bindings must not hide.
pub fn aws_auth_problems(resources: &[Resource]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for cm in aws_auth_maps(resources) {
        for key in ["mapRoles", "mapUsers"] {
            if let Err(e) = aws_auth_entries(cm, key) {
                let (file, line) = cm
                    .origin
                    .span
                    .as_ref()
                    .map_or(("kube-system/aws-auth", 1), |s| {
                        (s.file.as_str(), s.start_line)
                    });
                out.push(Diagnostic::at_line(
                    DiagnosticLevel::Error,
                    file,
                    line,
                    format!("aws-auth {key} is not a YAML list of mappings ({e}); the IAM identities it maps are unknown"),
                ));
            }
        }
    }
    out
}

/// `Deployment` → `k8s_deployment`, `ClusterRoleBinding` → `k8s_cluster_role_binding`.
pub fn resource_type(kind: &str) -> String {
    let mut out = String::from("k8s_");
    for (i, c) in kind.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Kinds rampart knows; anything else (CRDs included) is kept as a generic `k8s_object`.
const KNOWN: [&str; 20] = [
    "Namespace",
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "PodTemplate",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "Secret",
    "ConfigMap",
    "Node",
    "Service",
];

/// Every resource type Kubernetes objects become: what a manifest rampart could not read may
/// have held.
pub fn all_types() -> Vec<String> {
    let mut types: Vec<String> = KNOWN.iter().map(|k| resource_type(k)).collect();
    types.push("k8s_object".into());
    types
}

/// Kinds without a namespace.
const CLUSTER_SCOPED: [&str; 4] = ["Namespace", "ClusterRole", "ClusterRoleBinding", "Node"];

/// The pod template of a workload: of the kinds that run pods, and of any other object (an Argo
/// Rollout, a Knative Service, a KEDA ScaledJob) with a `template` whose spec lists containers,
/// of which a controller makes pods all the same.
fn pod_spec(kind: &str, v: &Json) -> Option<Json> {
    v.pointer(&pod_spec_pointer(kind, v)?).cloned()
}

/// Where a workload's pod spec is in its object, as a JSON pointer (`/spec/template/spec`).
fn pod_spec_pointer(kind: &str, v: &Json) -> Option<String> {
    let known = match kind {
        "Pod" => "/spec",
        "PodTemplate" => "/template/spec",
        "CronJob" => "/spec/jobTemplate/spec/template/spec",
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => "/spec/template/spec",
        _ => return find_template(v.get("spec")?, "/spec".into(), 4),
    };
    v.pointer(known).is_some().then(|| known.to_string())
}

/// The nearest `template.spec` below `v` (breadth first, at most `depth` objects down) that lists
/// containers: `spec.template.spec`, `spec.jobTemplate.spec.template.spec`,
/// `spec.jobTargetRef.template.spec`; as a pointer from `at`, where `v` is.
fn find_template(v: &Json, at: String, depth: usize) -> Option<String> {
    let mut level = vec![(v, at)];
    for _ in 0..depth {
        let mut next = Vec::new();
        for (o, at) in level
            .iter()
            .filter_map(|(o, at)| Some((o.as_object()?, at)))
        {
            let found = o
                .get("template")
                .and_then(|t| t.get("spec"))
                .is_some_and(|s| s.get("containers").is_some_and(Json::is_array));
            if found {
                return Some(format!("{at}/template/spec"));
            }
            next.extend(
                o.iter()
                    .filter(|(_, x)| x.is_object())
                    .map(|(k, x)| (x, format!("{at}/{k}"))),
            );
        }
        level = next;
    }
    None
}

/// Gives each attribute of a manifest's object the line it is written on (`fields`: dotted
/// paths of the object as written → line), so a finding about a container's securityContext
/// points at that container. The pod spec, read under `pod_spec`, keeps the lines of where it
/// is written (`spec.template.spec.…`).
pub fn place_fields(r: &mut Resource, object: &Json, fields: &BTreeMap<String, u32>, file: &str) {
    let kind = object["kind"].as_str().unwrap_or_default();
    let pod = pod_spec_pointer(kind, object).map(|p| p.trim_start_matches('/').replace('/', "."));
    for (path, &line) in fields {
        // The object's own line already places its metadata; a field on the same line as its
        // parent (a flow mapping) is placed by the parent.
        let parent_line = path.rfind('.').and_then(|i| fields.get(&path[..i]));
        if path == "metadata" || path.starts_with("metadata.") || parent_line == Some(&line) {
            continue;
        }
        let at = match &pod {
            Some(p) if path == p || path.starts_with(&format!("{p}.")) => {
                format!("pod_spec{}", &path[p.len()..])
            }
            _ => path.clone(),
        };
        // Only what the model keeps (a Secret's values, the status, managed fields are not).
        if r.attribute(&at).is_none() {
            continue;
        }
        r.attribute_meta.insert(
            at,
            AttributeMeta {
                provenance: Provenance::Explicit,
                span: Some(Span {
                    file: file.to_string(),
                    start_line: line,
                    end_line: line,
                }),
                from: None,
            },
        );
    }
}

/// Container fields that hold secrets in practice: an environment variable's literal `value`,
/// and `command` and `args` (passwords and tokens are passed on command lines). Their values
/// are never kept; that one is there is (`{"__redacted__": "literal"}`), so rules can report a
/// credential written into a manifest. Variables from a Secret (`valueFrom`) stay as they are.
fn redact_container_secrets(v: &mut Json) {
    match v {
        Json::Object(m) => {
            for kind in ["containers", "initContainers", "ephemeralContainers"] {
                for c in m
                    .get_mut(kind)
                    .and_then(Json::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    redact_container(c);
                }
            }
            m.values_mut().for_each(redact_container_secrets);
        }
        Json::Array(a) => a.iter_mut().for_each(redact_container_secrets),
        _ => {}
    }
}

/// Credentials kept in a ConfigMap (readable by anyone who may read ConfigMaps, and mounted or
/// exported unencrypted): a `data` key named like a credential, or a value that carries one.
/// Their values are replaced with `{"__redacted__": "literal"}` as they are found.
fn config_map_credentials(attrs: &mut Json) -> Vec<Json> {
    let mut out = Vec::new();
    for (key, value) in attrs
        .get_mut("data")
        .and_then(Json::as_object_mut)
        .into_iter()
        .flatten()
    {
        let Some(text) = value.as_str().filter(|t| !t.is_empty()) else {
            continue;
        };
        let why = if crate::credentials::is_credential_name(key) {
            Some("a credential written into the manifest")
        } else {
            crate::credentials::credential_in_text(text)
        };
        if let Some(why) = why {
            out.push(crate::credentials::finding(&format!("data.{key}"), why));
            *value = crate::model::redacted("literal");
        }
    }
    out
}

/// Credentials written into a pod template, found before it is redacted: a literal `env`
/// value of a variable named like a credential, or a command line that carries one.
fn container_credentials(pod_spec: &Json) -> Vec<Json> {
    let mut out = Vec::new();
    for kind in ["initContainers", "containers", "ephemeralContainers"] {
        for (i, c) in pod_spec
            .get(kind)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let at = format!("pod_spec.{kind}.{i}");
            for (j, e) in c
                .get("env")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let literal = e
                    .get("value")
                    .and_then(Json::as_str)
                    .is_some_and(|v| !v.is_empty());
                let name = e.get("name").and_then(Json::as_str).unwrap_or_default();
                if literal && crate::credentials::is_credential_name(name) {
                    out.push(crate::credentials::finding(
                        &format!("{at}.env.{j}.value"),
                        "a credential written into the manifest",
                    ));
                }
            }
            for field in ["command", "args"] {
                let line: Vec<&str> = c
                    .get(field)
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .collect();
                if let Some(why) = crate::credentials::credential_in_text(&line.join(" ")) {
                    out.push(crate::credentials::finding(&format!("{at}.{field}"), why));
                }
            }
        }
    }
    out
}

fn redact_container(c: &mut Json) {
    let secret = || crate::model::redacted("literal");
    for e in c
        .get_mut("env")
        .and_then(Json::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(value) = e.get_mut("value").filter(|x| !x.is_null()) {
            *value = secret();
        }
    }
    for field in ["command", "args"] {
        for a in c
            .get_mut(field)
            .and_then(Json::as_array_mut)
            .into_iter()
            .flatten()
        {
            *a = secret();
        }
    }
}

/// The namespaces manifests put objects in without declaring them (a repository of manifests
/// rarely holds its Namespace objects): each becomes a `k8s_namespace` marked `implied`, placed
/// at the first object in it, so that what is asked of a namespace (a default-deny
/// NetworkPolicy, Pod Security labels) is judged for it too. Live clusters list their
/// namespaces, so this is for manifests only.
pub fn implied_namespaces(resources: &[Resource]) -> Vec<Resource> {
    let declared: std::collections::HashSet<&str> = resources
        .iter()
        .filter(|r| r.resource_type == "k8s_namespace" && r.origin.source == SourceKind::Manifest)
        .map(|r| r.name.as_str())
        .collect();
    let mut implied: std::collections::BTreeMap<&str, &Resource> =
        std::collections::BTreeMap::new();
    for r in resources
        .iter()
        .filter(|r| r.origin.source == SourceKind::Manifest)
    {
        // Only a namespace the object names: one without decides its namespace when applied
        // (`kubectl -n`), and a tool's file (a Kustomization) is applied nowhere.
        if let Some(ns) = r
            .attributes
            .pointer("/metadata/namespace")
            .and_then(Json::as_str)
        {
            if !declared.contains(ns) {
                implied.entry(ns).or_insert(r);
            }
        }
    }
    implied
        .into_iter()
        .map(|(ns, first)| {
            let v = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            let mut r = adapt(
                &v,
                SourceKind::Manifest,
                Some("(implied)"),
                first.origin.span.clone(),
                None,
            );
            r.attributes["implied"] = json!(true);
            r
        })
        .collect()
}

/// Builds a resource from an object. `source` is `manifest` or `kubernetes`; `place` (the
/// cluster's context for live objects, the file for manifests) prefixes uids, so that the same
/// namespace, kind and name in two clusters or two files stay two resources.
pub fn adapt(
    v: &Json,
    source: SourceKind,
    place: Option<&str>,
    span: Option<Span>,
    api_call: Option<&str>,
) -> Resource {
    let kind = v["kind"].as_str().unwrap_or("Object");
    let name = v
        .pointer("/metadata/name")
        .and_then(Json::as_str)
        .unwrap_or("");
    let namespace = if CLUSTER_SCOPED.contains(&kind) {
        None
    } else {
        Some(
            v.pointer("/metadata/namespace")
                .and_then(Json::as_str)
                .unwrap_or("default"),
        )
    };
    let rtype = if KNOWN.contains(&kind) {
        resource_type(kind)
    } else {
        "k8s_object".to_string()
    };
    let mut uid = String::from("k8s:");
    if let Some(c) = place {
        uid.push_str(c);
        uid.push(':');
    }
    if let Some(ns) = namespace {
        uid.push_str(ns);
        uid.push('/');
    }
    uid.push_str(&format!("{kind}/{name}"));
    let mut r = Resource::new(
        uid,
        rtype,
        Origin {
            source,
            span,
            address: None,
            root: None,
            arn: None,
            api_call: api_call.map(str::to_string),
            entry: None,
        },
    );
    r.name = name.to_string();
    let mut attrs = v.clone();
    redact_container_secrets(&mut attrs);
    if let Some(m) = attrs.as_object_mut() {
        m.remove("status");
        if kind == "Secret" {
            // Never keep secret values: only which keys exist.
            let keys: Vec<String> = ["data", "stringData"]
                .iter()
                .filter_map(|k| m.remove(*k))
                .filter_map(|d| d.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
                .flatten()
                .collect();
            m.insert("data_keys".into(), json!(keys));
        }
    }
    if let Some(meta) = attrs.get_mut("metadata").and_then(Json::as_object_mut) {
        meta.remove("managedFields");
        if let Some(ann) = meta.get_mut("annotations").and_then(Json::as_object_mut) {
            // kubectl keeps the whole last applied object here, secrets included.
            ann.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    if let Some(ps) = pod_spec(kind, &attrs) {
        attrs["pod_spec"] = ps;
    }
    let mut found = pod_spec(kind, v)
        .map(|ps| container_credentials(&ps))
        .unwrap_or_default();
    if kind == "ConfigMap" {
        found.extend(config_map_credentials(&mut attrs));
    }
    if !found.is_empty() {
        r.derived["hardcoded_secrets"] = Json::Array(found);
    }
    attrs["kind_name"] = json!(kind);
    attrs["namespace"] = json!(namespace);
    r.tags = v
        .pointer("/metadata/labels")
        .and_then(Json::as_object)
        .map(|l| {
            l.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default();
    r.attributes = attrs;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_lose_their_data() {
        let v = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "app",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},
            "data": {"password": "aHVudGVyMg=="}, "stringData": {"token": "t0ps3cret"}});
        let r = adapt(&v, SourceKind::Manifest, None, None, None);
        let text = serde_json::to_string(&r).unwrap();
        assert!(
            !text.contains("aHVudGVyMg") && !text.contains("t0ps3cret"),
            "{text}"
        );
        assert_eq!(r.attributes["data_keys"], json!(["password", "token"]));
        assert_eq!(r.uid, "k8s:app/Secret/db");
        assert_eq!(r.resource_type, "k8s_secret");
    }

    #[test]
    fn container_env_values_and_command_lines_are_not_kept() {
        let v = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "db", "namespace": "app"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "mysql",
                "command": ["sh", "-c", "mysqld --password=hunter2"], "args": ["--token=t0ps3cret"],
                "env": [{"name": "MYSQL_ROOT_PASSWORD", "value": "supersecret"},
                        {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}]}]}}}});
        let r = adapt(&v, SourceKind::Manifest, None, None, None);
        let text = serde_json::to_string(&r).unwrap();
        for secret in ["hunter2", "t0ps3cret", "supersecret"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let env = &r.attributes["pod_spec"]["containers"][0]["env"];
        assert_eq!(env[0]["name"], "MYSQL_ROOT_PASSWORD");
        assert_eq!(env[0]["value"], json!({"__redacted__": "literal"}));
        assert_eq!(env[1]["valueFrom"]["secretKeyRef"]["key"], "pw");
    }

    #[test]
    fn workloads_expose_their_pod_spec_and_unknown_kinds_are_generic() {
        let v = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "n"},
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}}}});
        let r = adapt(&v, SourceKind::Manifest, None, None, None);
        assert_eq!(r.attributes["pod_spec"]["containers"][0]["name"], "c");
        assert_eq!(r.resource_type, "k8s_cron_job");
        let crd = adapt(
            &json!({"apiVersion": "x.io/v1", "kind": "Widget", "metadata": {"name": "w"}}),
            SourceKind::Manifest,
            None,
            None,
            None,
        );
        assert_eq!(crd.resource_type, "k8s_object");
    }
}
