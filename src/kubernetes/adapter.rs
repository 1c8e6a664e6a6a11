//! Kubernetes objects as `k8s_*` resources. The attributes are the object without its status,
//! managed fields, and (for Secrets) any data: secret values never enter the model. Workloads
//! carry their pod template under `pod_spec`, so one rule covers Pods, Deployments, CronJobs…

use serde_json::{json, Value as Json};

use crate::model::{Diagnostic, DiagnosticLevel, Origin, Resource, Span};

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
pub fn aws_auth_entries(cm: &Resource, key: &str) -> Result<Vec<Json>, String> {
    match cm
        .attributes
        .pointer(&format!("/data/{key}"))
        .and_then(Json::as_str)
    {
        None => Ok(Vec::new()),
        Some(text) => serde_yaml_ng::from_str::<Option<Vec<Json>>>(text)
            .map(Option::unwrap_or_default)
            .map_err(|e| e.to_string()),
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
const KNOWN: [&str; 18] = [
    "Namespace",
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
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

/// The pod template of a workload.
fn pod_spec(kind: &str, v: &Json) -> Option<Json> {
    let spec = match kind {
        "Pod" => v.get("spec"),
        "CronJob" => v.pointer("/spec/jobTemplate/spec/template/spec"),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            v.pointer("/spec/template/spec")
        }
        _ => None,
    }?;
    Some(spec.clone())
}

/// Builds a resource from an object. `source` is `manifest` or `kubernetes`; `place` (the
/// cluster's context for live objects, the file for manifests) prefixes uids, so that the same
/// namespace, kind and name in two clusters or two files stay two resources.
pub fn adapt(
    v: &Json,
    source: &str,
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
            source: source.to_string(),
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
    if let Some(ps) = pod_spec(kind, v) {
        attrs["pod_spec"] = ps;
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
        let r = adapt(&v, "manifest", None, None, None);
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
    fn workloads_expose_their_pod_spec_and_unknown_kinds_are_generic() {
        let v = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "n"},
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}}}});
        let r = adapt(&v, "manifest", None, None, None);
        assert_eq!(r.attributes["pod_spec"]["containers"][0]["name"], "c");
        assert_eq!(r.resource_type, "k8s_cron_job");
        let crd = adapt(
            &json!({"apiVersion": "x.io/v1", "kind": "Widget", "metadata": {"name": "w"}}),
            "manifest",
            None,
            None,
            None,
        );
        assert_eq!(crd.resource_type, "k8s_object");
    }
}
