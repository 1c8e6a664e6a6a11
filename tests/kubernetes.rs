//! Kubernetes manifests through the command line: files, directories and standard input; bad
//! YAML reported with its file and line while the rest is scanned; unknown kinds kept; Helm
//! templates noted; secret values never written anywhere.

mod common;

use common::*;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn manifests_from_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args([
            "scan",
            "-",
            "--select",
            "K8S-03",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  hostNetwork: true\n  containers:\n  - name: c\n    image: x@sha256:00\n    securityContext: {allowPrivilegeEscalation: false}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["status"], "fail");
    assert_eq!(r["location"]["file"], "<stdin>");
    assert!(r["message"].as_str().unwrap().contains("hostNetwork"));
}

#[test]
fn bad_yaml_is_reported_and_the_rest_is_scanned() {
    let dir = tree(&[
        ("ok.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fine\n"),
        ("broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [unclosed\n"),
        ("crd.yaml", "apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: a\nspec: {size: 3}\n"),
        ("chart/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"),
        ("obj.json", "{\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", \"metadata\": {\"name\": \"sa\", \"namespace\": \"a\"}}"),
        ("compose.yaml", "services:\n  web:\n    image: nginx\n"),
    ]);
    let o = rampart(&["scan", ".", "--format", "json"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unparsable manifest makes the run incomplete: {}",
        text(&o)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let diag = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["level"] == "error")
        .expect("an error");
    assert_eq!(diag["span"]["file"], "broken.yaml");
    assert!(diag["span"]["start_line"].as_u64().unwrap() >= 5, "{diag}");
    let snap = dir.path().join("s.json");
    rampart(&["collect", ".", "-o", snap.to_str().unwrap()], dir.path());
    let s: Value = serde_json::from_str(&std::fs::read_to_string(snap).unwrap()).unwrap();
    let uids: Vec<&str> = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uid"].as_str().unwrap())
        .collect();
    assert_eq!(
        uids,
        vec![
            // The namespace `a` the objects use, which no file declares.
            "k8s:(implied):Namespace/a",
            "k8s:crd.yaml:a/Widget/w",
            "k8s:obj.json:a/ServiceAccount/sa",
            "k8s:ok.yaml:Namespace/fine"
        ]
    );
    assert!(
        s["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["scope"] == "chart/templates/deploy.yaml:4" && c["status"] == "error"),
        "an unrendered Helm template is a coverage gap: {}",
        s["coverage"]
    );
}

#[test]
fn secret_values_never_reach_any_output() {
    let dir = tree(&[(
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: records\ntype: Opaque\ndata:\n  password: c3VwZXItc2VjcmV0LXZhbHVl\nstringData:\n  token: plain-text-token-value\n",
    )]);
    let out = dir.path().join("out");
    let o = rampart(
        &["report", ".", "--evidence", out.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for entry in std::fs::read_dir(&out).unwrap() {
        let content = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(
            !content.contains("c3VwZXItc2VjcmV0LXZhbHVl")
                && !content.contains("plain-text-token-value")
        );
    }
}

/// Terraform and manifests scanned together: a Pod Identity association gives the `api` service
/// account a role that reads the student-records bucket, and the Deployment that uses it runs in
/// a namespace not classified as FERPA data.
#[test]
fn pod_identity_links_a_workload_to_the_student_records_it_reaches() {
    let dir = tree(&[
        (
            "infra/main.tf",
            r#"resource "aws_s3_bucket" "records" {
  bucket = "student-records"
  tags   = { "data-classification" = "ferpa" }
}

resource "aws_iam_role" "api" {
  name = "courses-api"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }]
  })
}

resource "aws_iam_role_policy" "api_read" {
  role = aws_iam_role.api.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.records.arn}/*" }]
  })
}

resource "aws_eks_pod_identity_association" "api" {
  cluster_name    = "prod"
  namespace       = "courses"
  service_account = "api"
  role_arn        = aws_iam_role.api.arn
}
"#,
        ),
        (
            "k8s/app.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: courses\n  labels:\n    data-classification: internal\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: courses\nspec:\n  template:\n    spec:\n      serviceAccountName: api\n      containers:\n      - name: api\n        image: registry.example/api@sha256:00\n",
        ),
    ]);
    let (_, v) = scan_json_in(
        &["infra", "k8s", "--select", "K8S-13", "--fail-on", "never"],
        dir.path(),
    );
    let fails = results(&v, "fail");
    assert_eq!(fails.len(), 1, "{:#}", v["results"]);
    let msg = fails[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("pods in namespace courses can read")
            && msg.contains("aws_s3_bucket.records")
            && msg.contains("aws_iam_role.api"),
        "{msg}"
    );
    assert_eq!(fails[0]["location"]["file"], "k8s/app.yaml");
}

/// An aws-auth ConfigMap whose mapping does not parse: the manifest is valid YAML, the mapping
/// inside it is not, and the run says so (exit 2) instead of binding findings that silently lack
/// the IAM identities.
#[test]
fn an_unreadable_aws_auth_mapping_is_reported() {
    let dir = tree(&[(
        "k8s/aws-auth.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/ops\n      groups: [system:masters\n",
    )]);
    let o = rampart(&["scan", "k8s", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("aws-auth mapRoles"))
        .unwrap_or_else(|| panic!("{:#}", v["diagnostics"]));
    assert_eq!(d["span"]["file"], "k8s/aws-auth.yaml");
    assert_eq!(d["span"]["start_line"], 6);
}

/// Objects with a pod template, found without rampart's reader: every document of every file
/// (List items included) with a `template.spec.containers` list anywhere under `spec` (or at the
/// top, for a PodTemplate), or a Pod's own `spec.containers`; less those a controller in the
/// corpus made. Keyed `namespace/Kind/name`.
fn workloads_in(dir: &std::path::Path) -> std::collections::BTreeSet<String> {
    fn has_template(v: &serde_json::Value) -> bool {
        match v {
            Value::Object(m) => {
                m.get("template")
                    .and_then(|t| t.pointer("/spec/containers"))
                    .is_some_and(Value::is_array)
                    || m.values().any(has_template)
            }
            _ => false,
        }
    }
    let mut objects: Vec<Value> = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for doc in serde_yaml_ng::Deserializer::from_str(&text) {
            let v: Value = serde::Deserialize::deserialize(doc).unwrap();
            match v["kind"].as_str() {
                Some("List") => objects.extend(v["items"].as_array().unwrap().iter().cloned()),
                _ => objects.push(v),
            }
        }
    }
    let key = |ns: &str, kind: &str, name: &str| format!("{ns}/{kind}/{name}");
    let of = |v: &Value| {
        key(
            v.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default"),
            v["kind"].as_str().unwrap(),
            v.pointer("/metadata/name").and_then(Value::as_str).unwrap(),
        )
    };
    let all: std::collections::BTreeSet<String> = objects.iter().map(of).collect();
    objects
        .iter()
        .filter(|v| {
            v.pointer("/spec/containers").is_some_and(Value::is_array) && v["kind"] == "Pod"
                || v.get("spec").is_some_and(has_template)
                || v["kind"] == "PodTemplate" && has_template(v)
        })
        .filter(|v| {
            let ns = v
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default");
            !v.pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|o| {
                    o["controller"] == true
                        && all.contains(&key(
                            ns,
                            o["kind"].as_str().unwrap(),
                            o["name"].as_str().unwrap(),
                        ))
                })
        })
        .map(of)
        .collect()
}

/// Every workload kind (and custom resources with a pod template) is judged by every container
/// rule; nothing else is.
#[test]
fn every_workload_is_judged_by_every_container_rule() {
    let dir = crate_dir().join("tests/fixtures/k8s-workloads");
    let expected = workloads_in(&dir);
    assert_eq!(expected.len(), 13, "{expected:#?}");
    let rules: Value = serde_json::from_slice(&rampart(&["rules", "--json"], &dir).stdout).unwrap();
    let container_rules: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["resource_types"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "k8s_pod")
                && r["id"] != "K8S-13"
        })
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(container_rules.len() >= 11, "{container_rules:?}");
    // Under the CSI policy K8S-17 judges every workload too.
    let (_, v) = scan_json_in(
        &[".", "--fail-on", "never", "--kubernetes-secrets", "csi"],
        &dir,
    );
    let mut judged: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> =
        Default::default();
    for r in v["results"].as_array().unwrap() {
        let rule = r["rule_id"].as_str().unwrap();
        if container_rules.contains(&rule) {
            assert_ne!(r["status"], "error", "{r:#}");
            // `k8s:<file>:<namespace>/<Kind>/<name>`
            let uid = r["resource"]["uid"].as_str().unwrap();
            let tail = uid.splitn(3, ':').nth(2).unwrap().to_string();
            judged.entry(rule).or_default().insert(tail);
        }
    }
    for rule in &container_rules {
        let got = judged.remove(rule).unwrap_or_default();
        // SEC-02 judges ConfigMaps too.
        let got: std::collections::BTreeSet<String> = got
            .into_iter()
            .filter(|k| !k.contains("/ConfigMap/"))
            .collect();
        assert_eq!(got, expected, "{rule}");
    }
    // The privileged container of every one is found.
    let privileged = results(&v, "fail")
        .iter()
        .filter(|r| {
            r["rule_id"] == "K8S-03" && r["message"].as_str().unwrap().contains("privileged")
        })
        .count();
    assert_eq!(
        privileged,
        expected.len(),
        "each workload's template runs a privileged container"
    );
    // A container with no name fails every container rule: no message may need the name.
    for rule in &container_rules {
        assert!(
            results(&v, "fail").iter().any(|r| r["rule_id"] == *rule
                && r["resource"]["uid"]
                    .as_str()
                    .unwrap()
                    .ends_with("/Deployment/nameless-workload")),
            "{rule} does not fail the nameless container"
        );
    }
}

/// A pod whose IAM role reads a FERPA bucket only because the bucket policy grants it: the
/// access map names the role by its uid whichever policy grants, so K8S-13 sees the reach.
#[test]
fn a_bucket_policy_grant_reaches_the_pod_that_runs_as_the_role() {
    let dir = crate_dir().join("tests/fixtures/k8s-bucket-policy-reach");
    let (_, v) = scan_json_in(&[".", "--fail-on", "never", "--select", "K8S-13"], &dir);
    let fails = results(&v, "fail");
    assert_eq!(fails.len(), 1, "{v:#}");
    assert!(
        fails[0]["message"]
            .as_str()
            .unwrap()
            .contains("can read student-records"),
        "{:#}",
        fails[0]
    );
}

/// A finding about one container points at that container, not at the object's first line: in a
/// Deployment, a CronJob, a bare Pod and the items of a `List`, in a multi-document file with
/// comments and flow mappings. Every container-level failure must land on the line of its own
/// list element (`- name: <container>`), and each container's findings on a different line.
#[test]
fn container_findings_point_at_their_container() {
    let manifest = "# workloads\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: records\nspec:\n  template:\n    spec:\n      containers:\n        - name: first\n          image: nginx:latest\n        - name: second\n          image: busybox\n          securityContext:\n            privileged: true\n\
---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: records}\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: third\n            image: alpine\n\
---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p, namespace: records}\n    spec:\n      initContainers:\n      - name: fourth\n        image: x\n      containers:\n      - {name: fifth, image: y, securityContext: {privileged: true}}\n";
    let dir = tree(&[("workloads.yaml", manifest)]);
    let (_, v) = scan_json_in(&[".", "--fail-on", "never"], dir.path());
    let lines: Vec<&str> = manifest.lines().collect();
    let mut seen = std::collections::BTreeMap::new();
    for r in results(&v, "fail") {
        let Some(attr) = r["attribute"].as_str() else {
            continue;
        };
        if !attr.contains("ontainers.") {
            continue;
        }
        let line = r["location"]["start_line"].as_u64().unwrap() as usize;
        let text = lines[line - 1];
        let name = text
            .split("name:")
            .nth(1)
            .map(|n| {
                n.trim()
                    .trim_end_matches([',', '}'])
                    .split(',')
                    .next()
                    .unwrap()
                    .trim()
            })
            .unwrap_or_else(|| {
                panic!("{} on {attr} points at line {line}: {text:?}", r["rule_id"])
            });
        assert!(
            text.trim_start().starts_with('-'),
            "{attr}: line {line} is {text:?}"
        );
        seen.entry(name.to_string()).or_insert(line);
        assert_eq!(seen[name], line, "{name} findings on two lines");
    }
    let names: Vec<&String> = seen.keys().collect();
    assert_eq!(
        names,
        ["fifth", "first", "fourth", "second", "third"],
        "{seen:?}"
    );
}
