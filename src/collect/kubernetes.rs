//! The live cluster through the Kubernetes API (kube), with the standard kubeconfig: every kind
//! the rules read, listed page by page. Secrets are listed metadata-only, so their data never
//! leaves the cluster. A kind that is forbidden (403) or not served becomes a coverage error for
//! that resource type, and its rules report `error`, never a silent pass.

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::{json, Value as Json};
use std::path::PathBuf;

use crate::kubernetes::adapter::{adapt, resource_type};
use crate::model::{CoverageEntry, CoverageStatus, Resource, SourceKind};

/// Objects per page.
const PAGE: u32 = 500;

/// (group, version, kind, plural, namespaced)
const KINDS: [(&str, &str, &str, &str, bool); 17] = [
    ("", "v1", "Namespace", "namespaces", false),
    ("", "v1", "Pod", "pods", true),
    (
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        true,
    ),
    ("apps", "v1", "Deployment", "deployments", true),
    ("apps", "v1", "StatefulSet", "statefulsets", true),
    ("apps", "v1", "DaemonSet", "daemonsets", true),
    ("apps", "v1", "ReplicaSet", "replicasets", true),
    ("batch", "v1", "Job", "jobs", true),
    ("batch", "v1", "CronJob", "cronjobs", true),
    ("", "v1", "ServiceAccount", "serviceaccounts", true),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
    ),
    ("", "v1", "Node", "nodes", false),
    ("", "v1", "Secret", "secrets", true),
];

#[derive(Debug, Default, Clone)]
pub struct Options {
    pub kubeconfig: Option<PathBuf>,
    /// Contexts to collect (default: the current one).
    pub contexts: Vec<String>,
    pub all_contexts: bool,
}

pub struct Collected {
    pub resources: Vec<Resource>,
    pub coverage: Vec<CoverageEntry>,
}

fn gap(context: &str, what: &str, types: Vec<String>, detail: String) -> CoverageEntry {
    CoverageEntry {
        status: CoverageStatus::Error,
        scope: format!("{context}/{what}"),
        detail,
        resource_types: types,
        span: None,
    }
}

fn describe(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 403 => format!("forbidden (403): {}", s.message),
        kube::Error::Api(s) if s.code == 404 => "not served by this cluster (404)".to_string(),
        kube::Error::Api(s) => format!("API error {}: {}", s.code, s.message),
        other => other.to_string(),
    }
}

/// Why no cluster could be read at all (one context that cannot be reached is a coverage error
/// instead).
#[derive(Debug, thiserror::Error)]
pub enum KubernetesError {
    #[error("kubeconfig: {0}")]
    Kubeconfig(#[from] kube::config::KubeconfigError),
    #[error("the kubeconfig has no current context; pass --context")]
    NoContext,
    #[error("could not start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Collects every context asked for; a context that cannot be reached is a coverage error.
pub fn collect(opts: &Options) -> Result<Collected, KubernetesError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(collect_async(opts))
}

async fn collect_async(opts: &Options) -> Result<Collected, KubernetesError> {
    let kubeconfig = match &opts.kubeconfig {
        Some(p) => Kubeconfig::read_from(p),
        None => Kubeconfig::read(),
    }?;
    let contexts: Vec<String> = if opts.all_contexts {
        kubeconfig.contexts.iter().map(|c| c.name.clone()).collect()
    } else if !opts.contexts.is_empty() {
        opts.contexts.clone()
    } else {
        vec![kubeconfig
            .current_context
            .clone()
            .ok_or(KubernetesError::NoContext)?]
    };
    let mut out = Collected {
        resources: Vec::new(),
        coverage: Vec::new(),
    };
    for context in contexts {
        let options = KubeConfigOptions {
            context: Some(context.clone()),
            ..Default::default()
        };
        let client = match Config::from_custom_kubeconfig(kubeconfig.clone(), &options)
            .await
            .map_err(|e| e.to_string())
            .and_then(|c| Client::try_from(c).map_err(|e| e.to_string()))
        {
            Ok(c) => c,
            Err(e) => {
                let all = KINDS.iter().map(|k| resource_type(k.2)).collect();
                out.coverage.push(gap(
                    &context,
                    "cluster",
                    all,
                    format!("cannot connect: {e}"),
                ));
                continue;
            }
        };
        collect_context(&client, &context, &mut out).await;
    }
    Ok(out)
}

async fn collect_context(client: &Client, context: &str, out: &mut Collected) {
    for (group, version, kind, plural, _namespaced) in KINDS {
        let ar =
            ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural);
        let api: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
        let api_version = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        let call = format!("list {plural}");
        let mut token: Option<String> = None;
        loop {
            let mut lp = ListParams::default().limit(PAGE);
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            // Secrets: metadata only, so that no secret value is ever fetched.
            let page: Result<(Vec<Json>, Option<String>), kube::Error> = if kind == "Secret" {
                api.list_metadata(&lp).await.map(|l| {
                    let items = l
                        .items
                        .into_iter()
                        .map(|o| json!({"metadata": o.metadata}))
                        .collect();
                    (items, l.metadata.continue_)
                })
            } else {
                api.list(&lp).await.map(|l| {
                    let items = l
                        .items
                        .into_iter()
                        .filter_map(|o| serde_json::to_value(o).ok())
                        .collect();
                    (items, l.metadata.continue_)
                })
            };
            match page {
                Ok((items, next)) => {
                    for mut v in items {
                        v["apiVersion"] = json!(api_version);
                        v["kind"] = json!(kind);
                        out.resources.push(adapt(
                            &v,
                            SourceKind::Kubernetes,
                            Some(context),
                            None,
                            Some(&call),
                        ));
                    }
                    match next.filter(|t| !t.is_empty()) {
                        Some(t) => token = Some(t),
                        None => break,
                    }
                }
                Err(e) => {
                    out.coverage.push(gap(
                        context,
                        plural,
                        vec![resource_type(kind)],
                        format!("{call}: {}", describe(&e)),
                    ));
                    break;
                }
            }
        }
    }
    // The aws-auth ConfigMap maps IAM identities to Kubernetes users and groups on EKS.
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("", "v1", "ConfigMap"),
        "configmaps",
    );
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "kube-system", &ar);
    match api.get_opt("aws-auth").await {
        Ok(Some(cm)) => {
            if let Ok(mut v) = serde_json::to_value(cm) {
                v["apiVersion"] = json!("v1");
                v["kind"] = json!("ConfigMap");
                out.resources.push(adapt(
                    &v,
                    SourceKind::Kubernetes,
                    Some(context),
                    None,
                    Some("get configmaps/aws-auth"),
                ));
            }
        }
        Ok(None) => {}
        Err(e) => out.coverage.push(gap(
            context,
            "kube-system/configmaps/aws-auth",
            vec!["k8s_config_map".into()],
            describe(&e),
        )),
    }
}
