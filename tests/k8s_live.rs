//! The live Kubernetes collector against a served, recorded API: no API server can be installed
//! here, so an in-process hyper server answers discovery, cluster-wide lists with `limit` /
//! `continue` paging, the metadata-only list format, 401 for a wrong bearer token, and the faults a
//! scenario's `faults.txt` names (403 Status bodies, bodies cut off mid-stream), from the recorded
//! fixtures in tests/fixtures/k8s/<scenario>/.
//! rampart's real collector (kube) talks to it through a generated kubeconfig.
#![cfg(feature = "kubernetes")]

mod common;

use common::*;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const TOKEN: &str = "test-token";
/// The server returns at most this many items per page, whatever the client asks: real API
/// servers may return fewer than `limit`, and this makes every list page.
const SERVER_PAGE: usize = 2;

struct Served {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    /// Secret lists asked for in full (with data) rather than metadata-only.
    full_secret_lists: Arc<AtomicUsize>,
}

fn status(code: u16, reason: &str, message: &str) -> Response<Full<Bytes>> {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code});
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

fn handle(
    req: &Request<Incoming>,
    fixtures: &Path,
    faults: &[(String, String)],
    full_secrets: &AtomicUsize,
) -> Response<Full<Bytes>> {
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("Bearer {TOKEN}") {
        return status(401, "Unauthorized", "Unauthorized");
    }
    let path = req.uri().path().to_string();
    let query: Vec<(String, String)> = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    let param = |k: &str| query.iter().find(|(q, _)| q == k).map(|(_, v)| v.clone());
    let ok = |v: Value| {
        Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(v.to_string())))
            .unwrap()
    };
    match path.as_str() {
        "/version" => {
            return ok(
                json!({"major": "1", "minor": "30", "gitVersion": "v1.30.4-eks-a737599", "platform": "linux/amd64"}),
            )
        }
        "/api" => {
            return ok(
                json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
            )
        }
        "/apis" => {
            let groups: Vec<Value> = [
                "apps",
                "batch",
                "rbac.authorization.k8s.io",
                "networking.k8s.io",
            ]
            .iter()
            .map(|g| {
                let gv = json!({"groupVersion": format!("{g}/v1"), "version": "v1"});
                json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
            })
            .collect();
            return ok(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}));
        }
        _ => {}
    }
    let fault = faults
        .iter()
        .find(|(_, p)| p == &path)
        .map(|(kind, _)| kind.as_str());
    if fault == Some("403") {
        return status(
            403,
            "Forbidden",
            &format!(
                "{path} is forbidden: User \"scanner\" cannot list resource at the cluster scope"
            ),
        );
    }
    let Ok(text) =
        std::fs::read_to_string(fixtures.join(format!("{}.json", path.trim_start_matches('/'))))
    else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    if let Some(items) = doc.get("items").and_then(Value::as_array).cloned() {
        let limit = param("limit")
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(usize::MAX)
            .min(SERVER_PAGE);
        let start = param("continue")
            .and_then(|c| c.parse::<usize>().ok())
            .unwrap_or(0);
        let end = (start + limit).min(items.len());
        doc["items"] = json!(items[start..end]);
        doc["metadata"]["continue"] = if end < items.len() {
            json!(end.to_string())
        } else {
            json!("")
        };
        let accept = req
            .headers()
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if path.ends_with("/secrets") && !accept.contains("as=PartialObjectMetadataList") {
            full_secrets.fetch_add(1, Ordering::SeqCst);
        }
        if accept.contains("as=PartialObjectMetadataList") {
            let metas: Vec<Value> = doc["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata", "metadata": i["metadata"]}))
                .collect();
            doc = json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadataList", "metadata": doc["metadata"], "items": metas});
        }
    }
    if fault == Some("truncate") {
        // A connection that dies mid-body: the status line says 200 and the JSON stops halfway.
        let text = doc.to_string();
        return Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(text[..text.len() / 2].to_string())))
            .unwrap();
    }
    ok(doc)
}

/// Serves a scenario on a loopback port from a background thread.
fn serve(scenario: &str) -> Served {
    serve_with(scenario, Vec::new())
}

/// Serves a scenario with `extra` faults (`("403", path)`) besides those of its `faults.txt`.
fn serve_with(scenario: &str, extra: Vec<(String, String)>) -> Served {
    let dir = crate_dir().join("tests/fixtures/k8s").join(scenario);
    // `faults.txt`: one `<403|truncate> <path>` per line.
    let mut faults: Vec<(String, String)> = std::fs::read_to_string(dir.join("faults.txt"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(k, p)| (k.to_string(), p.to_string()))
        .collect();
    faults.extend(extra);
    // A scenario without its own API files is served from the eks one.
    let fixtures = if dir.join("api").is_dir() {
        dir
    } else {
        crate_dir().join("tests/fixtures/k8s/eks")
    };
    let requests = Arc::new(AtomicUsize::new(0));
    let full_secret_lists = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = std::sync::mpsc::channel();
    let counter = requests.clone();
    let full = full_secret_lists.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let fixtures: PathBuf = fixtures.clone();
                let faults = faults.clone();
                let counter = counter.clone();
                let full = full.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        counter.fetch_add(1, Ordering::SeqCst);
                        let resp = handle(&req, &fixtures, &faults, &full);
                        async move { Ok::<_, std::convert::Infallible>(resp) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    Served {
        addr: rx.recv().unwrap(),
        requests,
        full_secret_lists,
    }
}

fn kubeconfig(dir: &Path, addr: SocketAddr, token: &str) -> PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: eks-test\n  cluster:\n    server: http://{addr}\ncontexts:\n- name: eks-test\n  context:\n    cluster: eks-test\n    user: scanner\ncurrent-context: eks-test\nusers:\n- name: scanner\n  user:\n    token: {token}\n"
        ),
    )
    .unwrap();
    path
}

fn scan(kubeconfig: &Path, extra: &[&str]) -> (std::process::Output, Value) {
    let mut args = vec![
        "scan",
        "k8s",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    args.extend_from_slice(extra);
    let o = rampart(&args, &crate_dir());
    let v = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o, v)
}

#[test]
fn collects_the_cluster_through_paged_lists_and_judges_it() {
    let served = serve("eks");
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), served.addr, TOKEN);
    let snap = dir.path().join("snapshot.json");
    let o = rampart(
        &[
            "collect",
            "k8s",
            "--kubeconfig",
            kc.to_str().unwrap(),
            "-o",
            snap.to_str().unwrap(),
        ],
        &crate_dir(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let text_snapshot = std::fs::read_to_string(&snap).unwrap();
    assert!(
        !text_snapshot.contains("cmVjb3Jkcy1kYi1wYXNzd29yZA")
            && !text_snapshot.contains("c2lzLWFwaS10b2tlbi12YWx1ZQ"),
        "secret data stored"
    );
    let s: Value = serde_json::from_str(&text_snapshot).unwrap();
    let uids: Vec<&str> = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uid"].as_str().unwrap())
        .collect();
    for want in [
        "k8s:eks-test:Namespace/records",
        "k8s:eks-test:records/Pod/debug-shell",
        "k8s:eks-test:records/Secret/sis-token",
        "k8s:eks-test:kube-system/ConfigMap/aws-auth",
        "k8s:eks-test:ClusterRole/secrets-auditor",
    ] {
        assert!(uids.contains(&want), "{want} missing from {uids:?}");
    }
    // Four namespaces and four pods at two per page: the lists were paged.
    assert!(
        served.requests.load(Ordering::SeqCst) >= 20,
        "{} requests",
        served.requests.load(Ordering::SeqCst)
    );
    assert_eq!(
        served.full_secret_lists.load(Ordering::SeqCst),
        0,
        "Secrets must be listed metadata-only"
    );

    let (o, v) = scan(&kc, &["--select", "K8S"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut fails: Vec<(String, String)> = results(&v, "fail")
        .into_iter()
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().to_string(),
                r["resource"]["uid"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    fails.sort();
    fails.dedup();
    let has = |rule: &str, uid: &str| fails.iter().any(|(r, u)| r == rule && u == uid);
    assert!(
        has("K8S-01", "k8s:eks-test:ClusterRoleBinding/all-admins"),
        "{fails:#?}"
    );
    assert!(
        !has("K8S-01", "k8s:eks-test:ClusterRoleBinding/cluster-admin"),
        "EKS's system:masters binding is not a finding"
    );
    // The aggregated view role picks up secrets-auditor's rules.
    assert!(
        has("K8S-02", "k8s:eks-test:ClusterRoleBinding/support-view"),
        "{fails:#?}"
    );
    assert!(has("K8S-03", "k8s:eks-test:records/Pod/debug-shell"));
    assert!(has("K8S-05", "k8s:eks-test:Namespace/records"));
    assert!(has("K8S-11", "k8s:eks-test:records/RoleBinding/debug"));
    assert!(has("K8S-12", "k8s:eks-test:Namespace/default"));
    // Pods owned by a ReplicaSet are judged through their Deployment, not twice.
    assert!(
        !fails
            .iter()
            .any(|(_, u)| u.contains("records-api-7c9d8b5f4")),
        "{fails:#?}"
    );
}

/// Scans a served scenario that must come out incomplete (exit 2); the findings JSON.
fn incomplete_scan(scenario: &str, token: &str, extra: &[&str]) -> Value {
    let served = serve(scenario);
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), served.addr, token);
    let (o, v) = scan(&kc, extra);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    v
}

/// The detail of the coverage error recorded for a scope ("" when there is none).
fn coverage_error(v: &Value, scope: &str) -> String {
    v["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "error" && c["scope"] == scope)
        .map(|c| c["detail"].as_str().unwrap_or("?").to_string())
        .unwrap_or_default()
}

#[test]
fn forbidden_kinds_become_errors_and_an_incomplete_run() {
    let v = incomplete_scan("forbidden-secrets", TOKEN, &[]);
    assert!(
        coverage_error(&v, "eks-test/secrets").contains("403"),
        "{:#}",
        v["coverage"]
    );
    // Every workload rule reports that CronJobs could not be assessed.
    let errors: Vec<&str> = results(&v, "error")
        .iter()
        .filter_map(|r| r["rule_id"].as_str())
        .collect();
    assert!(
        errors.contains(&"K8S-03") && errors.contains(&"K8S-06"),
        "{errors:?}"
    );
}

#[test]
fn a_wrong_token_is_a_coverage_error_not_an_empty_pass() {
    let v = incomplete_scan("eks", "wrong-token", &["--select", "K8S"]);
    assert!(
        v["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["detail"].as_str().unwrap().contains("401")),
        "{:#}",
        v["coverage"]
    );
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] != "pass"),
        "nothing passes when nothing could be read"
    );
}

#[test]
fn a_truncated_response_is_a_coverage_error_not_a_crash() {
    let v = incomplete_scan("truncated-deployments", TOKEN, &[]);
    assert!(
        !coverage_error(&v, "eks-test/deployments").is_empty(),
        "{:#}",
        v["coverage"]
    );
    // The rest of the cluster is still collected and judged.
    let results = v["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["rule_id"] == "K8S-05" && r["status"] != "error"),
        "{results:#?}"
    );
    assert!(
        results
            .iter()
            .any(|r| r["rule_id"] == "K8S-03" && r["status"] == "error"),
        "workload rules say Deployments could not be assessed"
    );
}

/// Losing data never turns a failure into a pass. Each list of the recorded cluster is made
/// forbidden in turn: every result of that scan is the verdict of the full scan or `error`,
/// and every rule that judged objects of the lost kind reports that it could not.
#[test]
fn a_forbidden_list_never_turns_a_failure_into_a_pass() {
    let verdicts = |v: &Value| -> std::collections::BTreeMap<(String, String, String), String> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let key = (
                    r["rule_id"].as_str().unwrap().to_string(),
                    r["resource"]["uid"].as_str().unwrap_or("").to_string(),
                    r["fingerprint"].as_str().unwrap_or("").to_string(),
                );
                (key, r["status"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let full = {
        let served = serve("eks");
        let dir = tempfile::tempdir().unwrap();
        let (o, v) = scan(&kubeconfig(dir.path(), served.addr, TOKEN), &[]);
        assert!(o.status.success(), "{}", text(&o));
        v
    };
    let full_verdicts = verdicts(&full);
    let fixtures = crate_dir().join("tests/fixtures/k8s/eks");
    let mut lists: Vec<String> = Vec::new();
    for top in ["api", "apis"] {
        let mut stack = vec![fixtures.join(top)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if !p.to_string_lossy().contains("/namespaces/") {
                    let rel = p
                        .strip_prefix(&fixtures)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    lists.push(format!("/{}", rel.trim_end_matches(".json")));
                }
            }
        }
    }
    lists.sort();
    assert!(lists.len() >= 14, "{lists:?}");
    let (mut compared, mut kinds_judged) = (0, 0);
    for list in &lists {
        let served = serve_with("eks", vec![("403".into(), list.clone())]);
        let dir = tempfile::tempdir().unwrap();
        let (o, v) = scan(&kubeconfig(dir.path(), served.addr, TOKEN), &[]);
        assert_eq!(o.status.code(), Some(2), "{list}: {}", text(&o));
        for (key, status) in verdicts(&v) {
            if status == "error" {
                continue;
            }
            if let Some(before) = full_verdicts.get(&key) {
                assert_eq!(&status, before, "{list} forbidden: {key:?} changed");
            }
        }
        // The kind that was lost: every rule that judged one of its objects says so.
        let kind = list.rsplit('/').next().unwrap();
        let lost: std::collections::BTreeSet<&str> = full["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                r["resource"]["type"].as_str().is_some_and(|t| {
                    let singular = t.trim_start_matches("k8s_").replace('_', "");
                    let plural = match singular.strip_suffix('y') {
                        Some(stem) => format!("{stem}ies"),
                        None => format!("{singular}s"),
                    };
                    plural == kind
                })
            })
            .filter_map(|r| r["rule_id"].as_str())
            .collect();
        let errors: std::collections::BTreeSet<&str> = results(&v, "error")
            .iter()
            .filter_map(|r| r["rule_id"].as_str())
            .collect();
        for rule in &lost {
            assert!(
                errors.contains(rule),
                "{list} forbidden: {rule} does not say it could not judge"
            );
        }
        compared += v["results"].as_array().unwrap().len();
        kinds_judged += usize::from(!lost.is_empty());
    }
    // Not vacuous: results were compared, and most lost kinds had been judged.
    assert!(
        compared > 100 && kinds_judged >= 5,
        "{compared} {kinds_judged}"
    );
}
