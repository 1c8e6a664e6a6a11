//! "Could not look" is never "looked and it was fine": one test per class of silent pass, on
//! fixtures written for it, through the real command line. Each fails on a rampart that merges
//! resources away, turns an unknown or an unread value into a pass, lets one odd value end the
//! run, or skips an input quietly.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// Results of one rule, as (uid, status).
fn verdicts(v: &Value, rule: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == rule)
        .map(|r| {
            (
                r["resource"]["uid"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn status_of(v: &Value, rule: &str, uid: &str) -> String {
    verdicts(v, rule)
        .into_iter()
        .find(|(u, _)| u == uid)
        .unwrap_or_else(|| panic!("no {rule} result on {uid}: {:#}", v["results"]))
        .1
}

fn messages(v: &Value) -> String {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["coverage"].as_array().unwrap())
        .map(|d| format!("{d}\n"))
        .collect()
}

const OPEN_SSH: &str = r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;

const CLOSED: &str = r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
"#;

#[test]
fn two_roots_with_the_same_address_are_two_resources() {
    let dir = tree(&[
        ("envs/prod/main.tf", CLOSED),
        ("envs/staging/main.tf", OPEN_SSH),
    ]);
    let (code, v) = scan_json_in(&["envs", "--select", "NET-01"], dir.path());
    assert_eq!(
        verdicts(&v, "NET-01"),
        vec![
            ("envs/prod:aws_security_group.web".into(), "pass".into()),
            ("envs/staging:aws_security_group.web".into(), "fail".into())
        ]
    );
    assert_eq!(code, Some(1), "the open group in one root fails the run");
}

#[test]
fn the_same_object_in_two_manifests_is_two_resources() {
    let pod = |privileged: bool| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: app\nspec:\n  containers:\n  - name: c\n    image: r/x@sha256:00\n    securityContext:\n      allowPrivilegeEscalation: false\n      privileged: {privileged}\n")
    };
    let dir = tree(&[
        ("base/pod.yaml", &pod(false)),
        ("overlay/pod.yaml", &pod(true)),
    ]);
    let (_, v) = scan_json_in(&[".", "--select", "K8S-03"], dir.path());
    let fails = results(&v, "fail");
    assert_eq!(fails.len(), 1, "{:#}", v["results"]);
    assert_eq!(
        fails[0]["resource"]["uid"],
        "k8s:overlay/pod.yaml:app/Pod/api"
    );
    assert_eq!(verdicts(&v, "K8S-03").len(), 2);
}

#[test]
fn a_block_declared_twice_in_one_module_is_reported_and_both_are_scanned() {
    let dir = tree(&[("a.tf", CLOSED), ("b.tf", OPEN_SSH)]);
    let (code, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    assert_eq!(code, Some(2), "Terraform rejects this configuration");
    assert!(messages(&v).contains("declared twice"), "{}", messages(&v));
    let all = verdicts(&v, "NET-01");
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().any(|(_, s)| s == "fail"), "{all:?}");
}

/// A role with AdministratorAccess in one root, a FERPA bucket in another.
fn two_environments() -> tempfile::TempDir {
    tree(&[
        (
            "envs/prod/main.tf",
            r#"resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.deploy.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#,
        ),
        (
            "envs/staging/main.tf",
            r#"resource "aws_s3_bucket" "records" {
  bucket = "staging-records"
  tags   = { "data-classification" = "ferpa" }
}
"#,
        ),
    ])
}

#[test]
fn roots_are_analysed_apart_unless_they_share_an_account() {
    let dir = two_environments();
    let (_, v) = scan_json_in(&["envs", "--select", "IAM-10"], dir.path());
    assert_eq!(
        status_of(&v, "IAM-10", "envs/staging:aws_s3_bucket.records"),
        "pass",
        "prod's administrator is not in staging's account as far as anyone said"
    );
    let (_, v) = scan_json_in(
        &[
            "envs",
            "--select",
            "IAM-10",
            "--root-account",
            "envs/*=111111111111",
        ],
        dir.path(),
    );
    assert_eq!(
        status_of(&v, "IAM-10", "envs/staging:aws_s3_bucket.records"),
        "fail",
        "in one account, the administrator reaches the records"
    );
}

#[test]
fn attachments_follow_references_when_names_are_known_only_after_apply() {
    let dir = tree(&[(
        "main.tf",
        r#"data "aws_caller_identity" "current" {}
resource "aws_iam_role" "app" {
  name               = "${data.aws_caller_identity.current.account_id}-app"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "wide" {
  role   = aws_iam_role.app.name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
resource "aws_iam_user_policy_attachment" "elsewhere" {
  user       = var.existing_user
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}
data "aws_partition" "current" {}
variable "existing_user" {}
resource "aws_s3_bucket" "records" {
  bucket = "records-${var.env}"
}
variable "env" {}
"#,
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "IAM-02,IAM-10,IAM-11"], dir.path());
    // The wide grant is judged on the role it is attached to, whose name is not known yet.
    assert_eq!(status_of(&v, "IAM-02", "aws_iam_role.app"), "fail");
    // `s3:*` on `*` reaches the bucket whose name is not known yet.
    assert_eq!(status_of(&v, "IAM-10", "aws_s3_bucket.records"), "fail");
    // An attachment to a user declared elsewhere is judged on a user standing for it, with the
    // AWS managed policy resolved whatever the partition.
    let user = "aws_iam_user[\"var.existing_user\"]";
    assert_eq!(status_of(&v, "IAM-11", user), "fail");
}

#[test]
fn an_unknown_port_open_to_the_internet_is_judged_conservatively() {
    let dir = tree(&[(
        "main.tf",
        r#"variable "rules" {
  type = map(object({ port = number, cidr = string }))
}
resource "aws_security_group" "each" {
  for_each = var.rules != null ? var.rules : {}
  ingress {
    from_port   = each.value.port
    to_port     = each.value.port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group" "office" {
  ingress {
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.0/24"]
  }
}
resource "aws_security_group" "unknown_cidr" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}
variable "port" {}
variable "cidr" {}
"#,
    )]);
    let (code, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    let all = verdicts(&v, "NET-01");
    assert_eq!(
        all,
        vec![
            ("aws_security_group.each".into(), "fail".into()),
            ("aws_security_group.office".into(), "pass".into()),
            ("aws_security_group.unknown_cidr".into(), "error".into()),
        ],
        "{:#}",
        v["results"]
    );
    assert_eq!(code, Some(2));
}

#[test]
fn for_each_keys_known_with_values_unknown_still_expand() {
    let dir = tree(&[(
        "main.tf",
        r#"variable "port" {}
locals {
  rules = { ssh = var.port, web = 443 }
}
resource "aws_security_group" "r" {
  for_each = local.rules != null ? local.rules : {}
  ingress {
    from_port   = each.value
    to_port     = each.value
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#,
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    assert_eq!(
        verdicts(&v, "NET-01"),
        vec![
            ("aws_security_group.r[\"ssh\"]".into(), "fail".into()),
            ("aws_security_group.r[\"web\"]".into(), "pass".into()),
        ]
    );
}

#[test]
fn optional_attribute_defaults_apply() {
    let dir = tree(&[(
        "main.tf",
        r#"variable "admin" {
  type = object({
    cidr = string
    port = optional(number, 22)
  })
  default = { cidr = "0.0.0.0/0" }
}
resource "aws_security_group" "admin" {
  ingress {
    from_port   = var.admin.port
    to_port     = var.admin.port
    protocol    = "tcp"
    cidr_blocks = [var.admin.cidr]
  }
}
"#,
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    assert_eq!(status_of(&v, "NET-01", "aws_security_group.admin"), "fail");
}

#[test]
fn an_aws_managed_policy_rampart_does_not_know_is_an_error() {
    let dir = tree(&[(
        "main.tf",
        r#"resource "aws_iam_role" "r" {
  name                = "r"
  assume_role_policy  = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/NoSuchPolicyFromTheFuture"]
}
"#,
    )]);
    let (code, v) = scan_json_in(&[".", "--select", "IAM-01"], dir.path());
    assert_eq!(status_of(&v, "IAM-01", "aws_iam_role.r"), "error");
    assert_eq!(code, Some(2));
}

#[test]
fn one_odd_value_spoils_one_result_and_every_output_is_written() {
    let dir = tree(&[
        (
            "k8s/pods.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: odd, namespace: a}\nspec:\n  containers: \"x\"\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: a}\nspec:\n  containers:\n  - name: c\n    image: r/x@sha256:00\n    securityContext: {privileged: true}\n",
        ),
        (
            "kms/main.tf",
            r#"resource "aws_kms_key" "odd" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "foo", Action = "kms:*", Resource = "*" }] })
}
resource "aws_kms_key" "open" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*" }] })
}
"#,
        ),
    ]);
    let out = dir.path().join("out");
    let o = rampart(
        &["scan", "k8s", "kms", "-o", out.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    for f in [
        "results.sarif",
        "findings.json",
        "summary.md",
        "report.html",
        "snapshot.json",
    ] {
        assert!(out.join(f).is_file(), "{f} is written");
    }
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    assert_eq!(
        status_of(&v, "K8S-03", "k8s:k8s/pods.yaml:a/Pod/odd"),
        "error"
    );
    assert_eq!(
        status_of(&v, "K8S-03", "k8s:k8s/pods.yaml:a/Pod/bad"),
        "fail"
    );
    // A principal shape AWS rejects is read for what it names, not a failed rule.
    assert_eq!(status_of(&v, "PUB-03", "kms:aws_kms_key.odd"), "pass");
    assert_eq!(status_of(&v, "PUB-03", "kms:aws_kms_key.open"), "fail");
}

#[test]
fn a_snapshot_value_of_the_wrong_type_is_an_error_on_its_resource() {
    let dir = tree(&[("main.tf", CLOSED)]);
    let snap = dir.path().join("s.json");
    rampart(&["collect", ".", "-o", snap.to_str().unwrap()], dir.path());
    let mut s: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let mut other = s["resources"][0].clone();
    other["uid"] = "aws_security_group.other".into();
    s["resources"][0]["attributes"]["ingress"][0]["cidr_blocks"] = "0.0.0.0/0".into();
    other["attributes"]["ingress"][0]["from_port"] = 22.into();
    other["attributes"]["ingress"][0]["to_port"] = 22.into();
    other["attributes"]["ingress"][0]["cidr_blocks"] = serde_json::json!(["0.0.0.0/0"]);
    s["resources"].as_array_mut().unwrap().push(other);
    std::fs::write(&snap, serde_json::to_string_pretty(&s).unwrap()).unwrap();
    let (code, v) = scan_json_in(&["s.json", "--select", "NET"], dir.path());
    assert_eq!(code, Some(2));
    assert_eq!(status_of(&v, "NET-01", "aws_security_group.web"), "error");
    assert_eq!(status_of(&v, "NET-01", "aws_security_group.other"), "fail");
}

#[test]
fn user_rules_that_never_end_are_errors_and_the_rest_is_judged() {
    let rule = |id: &str, body: &str| {
        format!("# METADATA\n# title: {id}\n# custom:\n#   id: {id}\n#   severity: low\n#   resource_types: [aws_security_group]\npackage user.{}\n\n{body}\n", id.to_lowercase().replace('-', "_"))
    };
    let dir = tree(&[
        ("main.tf", OPEN_SSH),
        (
            "policies/recursive.rego",
            &rule(
                "USR-01",
                "f(x) := y if {\n\ty := f(x + 1)\n}\n\ndeny contains {\"uid\": sg.uid, \"msg\": \"x\"} if {\n\tsome sg in input.resources_by_type.aws_security_group\n\tf(1) > 0\n}",
            ),
        ),
        (
            "policies/slow.rego",
            &rule(
                "USR-02",
                "n := numbers.range(1, 1000000000)\n\ndeny contains {\"uid\": sg.uid, \"msg\": \"x\"} if {\n\tsome sg in input.resources_by_type.aws_security_group\n\tcount([x | some x in n; x > 5]) > 0\n}",
            ),
        ),
    ]);
    let (code, v) = scan_json_in(
        &[
            ".",
            "--policies",
            "policies",
            "--select",
            "USR,NET-01",
            "--rule-timeout",
            "2",
        ],
        dir.path(),
    );
    assert_eq!(code, Some(2));
    assert_eq!(status_of(&v, "USR-01", "aws_security_group.web"), "error");
    assert_eq!(status_of(&v, "USR-02", "aws_security_group.web"), "error");
    assert_eq!(status_of(&v, "NET-01", "aws_security_group.web"), "fail");
}

#[test]
fn a_template_in_a_config_map_does_not_hide_the_file() {
    let dir = tree(&[(
        "monitoring.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alerts, namespace: mon}\ndata:\n  rule: \"{{ $labels.pod }} is down\"\n---\n# {{ not a template, a comment }}\napiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: mon}\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: r/x@sha256:00\n",
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "K8S-03"], dir.path());
    assert_eq!(
        status_of(&v, "K8S-03", "k8s:monitoring.yaml:mon/Pod/agent"),
        "fail"
    );
}

#[test]
fn a_helm_chart_without_helm_is_not_scanned_and_says_so() {
    let dir = tree(&[
        ("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n"),
        (
            "chart/templates/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  hostPID: true\n",
        ),
    ]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["scan", ".", "--format", "json"])
        .current_dir(dir.path())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        messages(&v).contains("helm is not installed"),
        "{}",
        messages(&v)
    );
    assert!(
        results(&v, "error")
            .iter()
            .any(|r| r["rule_id"] == "K8S-03"),
        "every Kubernetes rule says it could not judge the chart"
    );
}

#[test]
fn a_helm_chart_is_rendered_when_helm_is_there() {
    // helm is not in the package registries this machine reaches, so a stand-in answers
    // `helm template` as helm does: documents each after its `# Source:` line.
    let dir = tree(&[
        ("repo/chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n"),
        ("repo/chart/templates/pod.yaml", "kind: Pod # a template\n"),
        (
            "bin/helm",
            "#!/bin/sh\n[ \"$1\" = template ] || exit 3\ncat <<'EOF'\n---\n# Source: app/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: rampart-scan\n  namespace: default\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: r/x@sha256:00\nEOF\n",
        ),
    ]);
    make_executable(&dir.path().join("bin/helm"));
    let path = format!(
        "{}:{}",
        dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["scan", "repo", "--format", "json", "--select", "K8S-03"])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", text(&o)));
    let fails = results(&v, "fail");
    assert!(!fails.is_empty(), "{v:#}");
    for f in fails {
        assert_eq!(f["location"]["file"], "repo/chart/templates/pod.yaml");
    }
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_module_of_linked_files_is_scanned() {
    let dir = tree(&[("shared/sg.tf", OPEN_SSH)]);
    std::fs::create_dir_all(dir.path().join("env")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("shared/sg.tf"),
        dir.path().join("env/sg.tf"),
    )
    .unwrap();
    let (_, v) = scan_json_in(&["env", "--select", "NET-01"], dir.path());
    assert_eq!(
        status_of(&v, "NET-01", "env:aws_security_group.web"),
        "fail"
    );
}

#[test]
fn tf_json_spec_forms_and_locals_are_read() {
    let dir = tree(&[(
        "main.tf.json",
        r#"{"locals": {"cidr": "0.0.0.0/0"},
 "resource": [{"aws_security_group": {"a": {"ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["${local.cidr}"]}]}}},
              {"aws_security_group": {"b": [{"ingress": [{"from_port": 3389, "to_port": 3389, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}]}}]}"#,
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    assert_eq!(
        verdicts(&v, "NET-01"),
        vec![
            ("aws_security_group.a".into(), "fail".into()),
            ("aws_security_group.b".into(), "fail".into()),
        ]
    );
}

#[test]
fn plans_are_read_whatever_their_encoding_and_refused_when_misshapen() {
    let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
      {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
       "values": {"ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}}]}}}"#;
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(plan.encode_utf16().flat_map(u16::to_le_bytes));
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(plan.as_bytes());
    let dir = tree(&[
        (
            "misshapen.json",
            r#"{"format_version": "1.2", "planned_values": "oops"}"#,
        ),
        ("sub/main.tf", OPEN_SSH),
    ]);
    std::fs::write(dir.path().join("utf16.json"), utf16).unwrap();
    std::fs::write(dir.path().join("bom.json"), bom).unwrap();
    let (_, v) = scan_json_in(
        &["utf16.json", "bom.json", "--select", "NET-01"],
        dir.path(),
    );
    assert_eq!(
        verdicts(&v, "NET-01"),
        vec![
            ("bom.json:aws_security_group.web".into(), "fail".into()),
            ("utf16.json:aws_security_group.web".into(), "fail".into()),
        ]
    );
    // A plan of the wrong shape is an input error; the directory beside it is still scanned.
    let (code, v) = scan_json_in(&["misshapen.json", "sub", "--select", "NET-01"], dir.path());
    assert_eq!(code, Some(2));
    assert!(
        messages(&v).contains("planned_values is a string"),
        "{}",
        messages(&v)
    );
    assert_eq!(
        status_of(&v, "NET-01", "sub:aws_security_group.web"),
        "fail"
    );
}

#[test]
fn suppressions_that_cannot_be_read_do_not_suppress() {
    let dir = tree(&[
        (
            "main.tf",
            "resource \"aws_security_group\" \"web\" {\n  # rampart:ignore NET-01 reason=\"office only\" expires=2027-13-45\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n",
        ),
        (
            "typo.yaml",
            "waivers:\n  - rule: NET-10\n    resource: '*'\n    reason: r\n    owner: o\n",
        ),
        ("key.yaml", "waiver:\n  - rule: NET-01\n"),
    ]);
    let (code, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    assert_eq!(status_of(&v, "NET-01", "aws_security_group.web"), "fail");
    assert_eq!(code, Some(2));
    let d = messages(&v);
    assert!(
        d.contains("2027-13-45") && d.contains("\"start_line\":2"),
        "{d}"
    );
    for (file, says, line) in [
        ("typo.yaml", "names no rule", 2),
        ("key.yaml", "unknown field", 1),
    ] {
        let (code, v) = scan_json_in(&[".", "--select", "NET-01", "--waivers", file], dir.path());
        assert_eq!(code, Some(2), "{file}");
        let d = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains(says))
            .unwrap_or_else(|| panic!("{file}: {}", messages(&v)));
        assert_eq!(d["span"]["file"], file);
        assert_eq!(d["span"]["start_line"], line);
    }
}

#[test]
fn a_conventional_waiver_file_linked_out_of_the_repository_is_refused() {
    let outside = tree(&[("token", "ghp_secret_token_value\n")]);
    let dir = tree(&[("main.tf", OPEN_SSH)]);
    std::fs::create_dir_all(dir.path().join(".rampart")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("token"),
        dir.path().join(".rampart/waivers.yaml"),
    )
    .unwrap();
    let o = rampart(&["scan", ".", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let all = text(&o);
    assert!(
        all.contains("resolves outside the scanned directory"),
        "{all}"
    );
    assert!(!all.contains("ghp_secret_token_value"), "{all}");
}

#[test]
fn a_registry_module_installed_by_terraform_init_is_scanned_in_its_own_files() {
    let dir = tree(&[
        (
            "main.tf",
            "module \"sg\" {\n  source  = \"terraform-aws-modules/security-group/aws\"\n  version = \"5.0.0\"\n  cidr    = \"0.0.0.0/0\"\n}\n",
        ),
        (
            ".terraform/modules/modules.json",
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"sg","Source":"registry.terraform.io/terraform-aws-modules/security-group/aws","Version":"5.0.0","Dir":".terraform/modules/sg"}]}"#,
        ),
        (
            ".terraform/modules/sg/main.tf",
            "variable \"cidr\" {}\nresource \"aws_security_group\" \"this\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [var.cidr]\n  }\n}\n",
        ),
    ]);
    let (code, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    let fail = &results(&v, "fail")[0];
    assert_eq!(fail["resource"]["uid"], "module.sg.aws_security_group.this");
    assert_eq!(fail["location"]["file"], ".terraform/modules/sg/main.tf");
    assert_eq!(code, Some(1));
    // Not installed: not scanned, and the run says so.
    std::fs::remove_dir_all(dir.path().join(".terraform")).unwrap();
    let (code, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    assert_eq!(code, Some(2));
    assert!(messages(&v).contains("terraform init"), "{}", messages(&v));
}

#[test]
fn ten_thousand_blocks_in_one_file_are_all_read() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!(
            "resource \"aws_security_group\" \"g{i}\" {{\n  ingress {{\n    from_port   = {p}\n    to_port     = {p}\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n}}\n",
            p = if i % 2 == 0 { 22 } else { 443 }
        ));
    }
    let dir = tree(&[("main.tf", &text)]);
    let (_, v) = scan_json_in(&[".", "--select", "NET-01"], dir.path());
    assert_eq!(results(&v, "fail").len(), 5_000);
    assert_eq!(results(&v, "pass").len(), 5_000);
}

#[test]
fn a_role_holding_an_aws_managed_read_policy_is_in_the_access_map() {
    let dir = tree(&[(
        "main.tf",
        r#"resource "aws_iam_role" "auditor" {
  name                = "auditor"
  assume_role_policy  = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
resource "aws_s3_bucket" "records" {
  bucket = "student-records"
  tags   = { "data-classification" = "ferpa" }
}
"#,
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "IAM-10"], dir.path());
    let fail = results(&v, "fail")
        .into_iter()
        .find(|r| r["resource"]["uid"] == "aws_s3_bucket.records")
        .unwrap_or_else(|| panic!("{:#}", v["results"]));
    assert!(
        fail["message"]
            .as_str()
            .unwrap()
            .contains("aws_iam_role.auditor (read, through aws_managed:ReadOnlyAccess"),
        "{fail}"
    );
    assert_eq!(
        fail["details"]["principals"][0]["principal"], "aws_iam_role.auditor",
        "{fail}"
    );
}

#[test]
fn a_resource_policy_is_judged_wherever_it_is_written_and_an_unknown_principal_is_an_error() {
    let dir = tree(&[(
        "main.tf",
        r#"variable "principal" {}
locals {
  open = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }]
  })
}
resource "aws_sqs_queue_policy" "elsewhere" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/managed-elsewhere"
  policy    = local.open
}
resource "aws_s3_bucket_policy" "elsewhere" {
  bucket = "managed-elsewhere"
  policy = local.open
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::111122223333:role/f"
}
resource "aws_lambda_permission" "by_variable" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.function_name
  principal     = var.principal
}
resource "aws_lambda_permission" "orphan" {
  action        = "lambda:InvokeFunction"
  function_name = "someone-elses"
  principal     = "*"
}
resource "aws_ecr_repository" "clean" {
  name = "clean"
}
resource "aws_sns_topic" "default_policy" {
  name = "t"
}
"#,
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "PUB-03"], dir.path());
    assert_eq!(
        verdicts(&v, "PUB-03"),
        vec![
            ("aws_ecr_repository.clean".into(), "pass".into()),
            ("aws_lambda_function.f".into(), "error".into()),
            ("aws_lambda_permission.orphan".into(), "fail".into()),
            ("aws_s3_bucket_policy.elsewhere".into(), "fail".into()),
            ("aws_sns_topic.default_policy".into(), "pass".into()),
            ("aws_sqs_queue_policy.elsewhere".into(), "fail".into()),
        ],
        "{:#}",
        v["results"]
    );
}

#[test]
fn a_volume_whose_encryption_is_not_shown_is_not_a_pass() {
    let dir = tree(&[(
        "main.tf",
        r#"variable "mappings" {}
variable "encrypted" {}
resource "aws_launch_template" "dynamic" {
  dynamic "block_device_mappings" {
    for_each = var.mappings
    content {
      device_name = block_device_mappings.value.name
      ebs { encrypted = "true" }
    }
  }
}
resource "aws_instance" "from_ami" {
  ami = "ami-0123456789abcdef0"
}
resource "aws_instance" "by_variable" {
  ami = "ami-0123456789abcdef0"
  root_block_device { encrypted = true }
  ebs_block_device {
    device_name = "/dev/sdf"
    encrypted   = var.encrypted
  }
}
resource "aws_launch_configuration" "encrypted" {
  image_id = "ami-0123456789abcdef0"
  root_block_device { encrypted = true }
}
"#,
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "ENC-04"], dir.path());
    assert_eq!(
        verdicts(&v, "ENC-04"),
        vec![
            ("aws_instance.by_variable".into(), "error".into()),
            ("aws_instance.from_ami".into(), "fail".into()),
            ("aws_launch_configuration.encrypted".into(), "pass".into()),
            ("aws_launch_template.dynamic".into(), "error".into()),
        ],
        "{:#}",
        v["results"]
    );
}

#[test]
fn alarms_on_a_log_group_outside_the_configuration_are_not_known_not_missing() {
    let dir = tree(&[(
        "main.tf",
        r#"variable "group_arn" {}
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "audit"
  cloud_watch_logs_group_arn = var.group_arn
}
"#,
    )]);
    let (_, v) = scan_json_in(&[".", "--select", "MON-01"], dir.path());
    assert_eq!(
        verdicts(&v, "MON-01"),
        vec![("aws_cloudtrail.main".into(), "error".into())],
        "{:#}",
        v["results"]
    );
}
