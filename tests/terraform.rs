//! Terraform loading and evaluation through the public scan pipeline: variables, locals, count,
//! for_each, dynamic blocks, templates, functions, modules, data sources, unknowns, JSON syntax,
//! plans, and hostile input.

mod common;

use common::*;
use rampart::model::{CoverageStatus, DiagnosticLevel, Provenance, Resource, Snapshot};
use rampart::source::{build_snapshot, Sources};
use rampart::terraform::VarInputs;
use serde_json::{json, Value};
use std::path::Path;

fn snapshot(dir: &Path, vars: VarInputs) -> Snapshot {
    build_snapshot(&Sources {
        paths: vec![dir.to_path_buf()],
        root: dir.to_path_buf(),
        vars,
        plan_source: None,
        ..Default::default()
    })
    .unwrap()
}

/// The resource with this uid, or with this Terraform address (the uid carries the root module
/// in front of it when that is not the scan root).
fn res<'s>(s: &'s Snapshot, uid: &str) -> &'s Resource {
    s.resources
        .iter()
        .find(|r| r.uid == uid || r.origin.address.as_deref() == Some(uid))
        .unwrap_or_else(|| {
            panic!(
                "no {uid} in {:?}",
                s.resources.iter().map(|r| &r.uid).collect::<Vec<_>>()
            )
        })
}

#[test]
fn variables_follow_terraform_precedence() {
    let dir = tree(&[
        (
            "main.tf",
            r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "n" { type = number }
resource "aws_s3_bucket" "x" {
  bucket = "${var.a}-${var.b}-${var.c}-${var.n + 1}"
}
"#,
        ),
        ("terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\n"),
        ("x.auto.tfvars", "c = \"auto\"\nn = \"41\"\n"),
    ]);
    let s = snapshot(dir.path(), VarInputs::default());
    assert_eq!(
        res(&s, "aws_s3_bucket.x").attribute("bucket"),
        Some(&json!("default-tfvars-auto-42"))
    );
    let s = snapshot(
        dir.path(),
        VarInputs {
            vars: vec!["a=cli".into()],
            ..Default::default()
        },
    );
    assert_eq!(res(&s, "aws_s3_bucket.x").name, "cli-tfvars-auto-42");
}

#[test]
fn count_for_each_and_dynamic_blocks_expand_with_terraform_addresses() {
    let dir = tree(&[(
        "main.tf",
        r#"
locals {
  azs   = ["a", "b"]
  ports = { ssh = 22, https = 443 }
  names = toset(["logs", "data"])
}
resource "aws_subnet" "s" {
  count      = length(local.azs)
  vpc_id     = "vpc-1"
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}
resource "aws_s3_bucket" "b" {
  for_each = local.names
  bucket   = "org-${each.key}"
}
resource "aws_security_group" "g" {
  name = "g"
  dynamic "ingress" {
    for_each = local.ports
    iterator = p
    content {
      description = p.key
      from_port   = p.value
      to_port     = p.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
}
"#,
    )]);
    let s = snapshot(dir.path(), VarInputs::default());
    assert_eq!(
        res(&s, "aws_subnet.s[1]").attribute("cidr_block"),
        Some(&json!("10.0.1.0/24"))
    );
    assert_eq!(res(&s, "aws_s3_bucket.b[\"data\"]").name, "org-data");
    assert_eq!(res(&s, "aws_s3_bucket.b[\"logs\"]").name, "org-logs");
    let g = res(&s, "aws_security_group.g");
    assert_eq!(g.attribute("ingress.0.description"), Some(&json!("https")));
    assert_eq!(g.attribute("ingress.1.from_port"), Some(&json!(22)));
    // The dynamic block's span is the rule's location.
    assert_eq!(g.span_for("ingress.1").unwrap().start_line, 18);
}

#[test]
fn local_modules_pass_inputs_and_outputs_and_nest_addresses() {
    let dir = tree(&[
        (
            "main.tf",
            r#"
module "store" {
  source   = "./modules/store"
  for_each = { a = "alpha", b = "beta" }
  name     = each.value
}
resource "aws_s3_bucket" "index" {
  bucket = "index-of-${module.store["a"].bucket_name}"
}
module "remote" {
  source = "terraform-aws-modules/s3-bucket/aws"
}
"#,
        ),
        (
            "modules/store/main.tf",
            r#"
variable "name" {}
resource "aws_s3_bucket" "this" {
  bucket = "${var.name}-${path.module}"
}
output "bucket_name" { value = aws_s3_bucket.this.bucket }
"#,
        ),
    ]);
    let s = snapshot(dir.path(), VarInputs::default());
    let b = res(&s, "module.store[\"b\"].aws_s3_bucket.this");
    assert_eq!(b.name, "beta-modules/store");
    assert_eq!(
        b.origin.span.as_ref().unwrap().file,
        "modules/store/main.tf"
    );
    assert_eq!(
        res(&s, "aws_s3_bucket.index").name,
        "index-of-alpha-modules/store"
    );
    // The module directory is not scanned again as a root module of its own.
    assert!(!s.resources.iter().any(|r| r.uid == "aws_s3_bucket.this"));
    let remote = s
        .coverage
        .iter()
        .find(|c| c.scope == "module.remote")
        .expect("coverage note");
    // Not installed by `terraform init`: its resources are not known, and the run says so.
    assert_eq!(remote.status, CoverageStatus::Error);
}

#[test]
fn unknowns_remember_what_they_refer_to() {
    let dir = tree(&[(
        "main.tf",
        r#"
resource "aws_kms_key" "k" {}
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
  }
}
"#,
    )]);
    let s = snapshot(dir.path(), VarInputs::default());
    let b = res(&s, "aws_s3_bucket.b");
    assert_eq!(
        b.attribute("server_side_encryption.kms_master_key_id"),
        Some(&json!({"__unknown__": "aws_kms_key.k.arn"}))
    );
    let meta = &b.attribute_meta["server_side_encryption"];
    assert_eq!(
        meta.from.as_deref(),
        Some("aws_s3_bucket_server_side_encryption_configuration.b")
    );
    assert_eq!(
        b.attribute_meta["versioning"].provenance,
        Provenance::Default
    );
    assert_eq!(
        b.attribute("arn"),
        None,
        "computed attributes are not invented in the model"
    );
}

#[test]
fn functions_templates_and_heredocs() {
    let dir = tree(&[
        (
            "main.tf",
            r#"
locals {
  cfg     = jsondecode(file("${path.module}/cfg.json"))
  merged  = merge({ a = 1 }, { b = 2 })
  tags    = { for k, v in local.merged : upper(k) => v if v > 1 }
  listing = join(",", flatten([["x"], ["y", "z"]]))
  fallback = try(local.cfg.missing.deep, "dflt")
  maybe    = can(local.cfg.missing.deep)
  rendered = templatefile("${path.module}/policy.tpl", { bucket = "records" })
  doc = <<-EOT
    line ${upper("one")}
    %{ for n in ["a", "b"] }${n}%{ endfor }
  EOT
}
resource "aws_s3_bucket" "b" {
  bucket = format("%s-%s-%s", local.cfg.prefix, local.listing, local.fallback)
  tags = merge(local.tags, {
    maybe    = tostring(local.maybe)
    rendered = local.rendered
    doc      = local.doc
    region   = lookup({ us = "us-east-1" }, "eu", "none")
    n        = tostring(length(distinct(concat(["a"], ["a", "b"]))))
    c        = coalesce("", "first")
    r        = replace("a.b.c", "/\\./", "-")
  })
}
"#,
        ),
        ("cfg.json", r#"{"prefix": "cc"}"#),
        ("policy.tpl", "arn:aws:s3:::${bucket}/*"),
    ]);
    let s = snapshot(dir.path(), VarInputs::default());
    let b = res(&s, "aws_s3_bucket.b");
    assert_eq!(b.name, "cc-x,y,z-dflt");
    let t = &b.tags;
    assert_eq!(t["B"], "2");
    assert_eq!(t["maybe"], "false");
    assert_eq!(t["rendered"], "arn:aws:s3:::records/*");
    assert_eq!(t["doc"], "line ONE\nab\n");
    assert_eq!(t["region"], "none");
    assert_eq!(t["n"], "2");
    assert_eq!(t["c"], "first");
    assert_eq!(t["r"], "a-b-c");
}

#[test]
fn iam_policy_documents_render_and_attach() {
    let dir = tree(&[(
        "main.tf",
        r#"
data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.records.arn}/*"]
  }
}
resource "aws_s3_bucket" "records" { bucket = "records" }
resource "aws_iam_policy" "read" {
  name   = "read-records"
  policy = data.aws_iam_policy_document.read.json
}
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.read.arn
}
"#,
    )]);
    let s = snapshot(dir.path(), VarInputs::default());
    let role = res(&s, "aws_iam_role.app");
    let pol = &role.attribute("policies").unwrap()[0];
    assert_eq!(pol["name"], "read-records");
    assert_eq!(
        pol["document"]["Statement"][0]["Resource"],
        json!(["arn:aws:s3:::records/*"])
    );
    assert_eq!(
        role.attribute("assume_role_policy.Statement.0.Principal"),
        Some(&json!({"Service": ["ec2.amazonaws.com"]}))
    );
    assert_eq!(
        res(&s, "aws_iam_policy.read").attribute("attachments"),
        Some(&json!(["aws_iam_role.app"]))
    );
}

#[test]
fn tf_json_files_are_read() {
    let dir = tree(&[(
        "main.tf.json",
        r#"{
  "variable": {"env": {"default": "dev"}},
  "resource": {
    "aws_s3_bucket": {
      "b": {"bucket": "cc-${var.env}", "tags": {"data-classification": "public"}}
    }
  }
}"#,
    )]);
    let s = snapshot(dir.path(), VarInputs::default());
    let b = res(&s, "aws_s3_bucket.b");
    assert_eq!(b.name, "cc-dev");
    assert_eq!(b.tags["data-classification"], "public");
    assert_eq!(b.origin.span.as_ref().unwrap().start_line, 5);
}

#[test]
fn secrets_never_reach_the_snapshot() {
    let dir = tree(&[
        (
            "main.tf",
            r#"
variable "pw" { sensitive = true }
resource "aws_db_instance" "db" {
  identifier = "db"
  engine     = "postgres"
  password   = var.pw
  username   = "admin-${var.pw}"
}
"#,
        ),
        ("terraform.tfvars", "pw = \"hunter2-very-secret\"\n"),
    ]);
    let s = snapshot(dir.path(), VarInputs::default());
    assert!(
        !s.to_json().contains("hunter2"),
        "a sensitive value leaked into the snapshot"
    );
}

#[test]
fn unparsable_binary_and_huge_files_are_reported_and_the_rest_scanned() {
    let dir = tree(&[
        (
            "good.tf",
            "resource \"aws_s3_bucket\" \"ok\" { bucket = \"ok\" }\n",
        ),
        (
            "bad.tf",
            "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"unterminated\n}\n",
        ),
    ]);
    std::fs::write(dir.path().join("bin.tf"), b"\x00\x01\x02 not text").unwrap();
    let huge = "# filler\n".repeat(1_000_000);
    std::fs::write(dir.path().join("huge.tf"), huge).unwrap();
    let s = snapshot(dir.path(), VarInputs::default());
    res(&s, "aws_s3_bucket.ok");
    let errors: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .collect();
    let files: Vec<&str> = errors
        .iter()
        .filter_map(|d| d.span.as_ref().map(|s| s.file.as_str()))
        .collect();
    assert!(files.contains(&"bad.tf"), "{errors:?}");
    assert!(files.contains(&"bin.tf"), "{errors:?}");
    assert!(files.contains(&"huge.tf"), "{errors:?}");
    assert!(s.is_incomplete());
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_module_cycles_terminate() {
    let dir = tree(&[
        ("main.tf", "module \"self\" {\n  source = \"./\"\n}\nresource \"aws_s3_bucket\" \"b\" { bucket = \"b\" }\n"),
        ("sub/x.tf", "resource \"aws_s3_bucket\" \"c\" { bucket = \"c\" }\n"),
    ]);
    std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
    let s = snapshot(dir.path(), VarInputs::default());
    assert!(
        s.diagnostics.iter().any(|d| d.message.contains("cycle")),
        "{:?}",
        s.diagnostics
    );
    res(&s, "aws_s3_bucket.c");
}

#[test]
fn deeply_nested_expressions_become_unknown_not_a_crash() {
    let deep = format!(
        "locals {{\n  x = {}1{}\n}}\nresource \"aws_s3_bucket\" \"b\" {{ bucket = local.x }}\n",
        "(".repeat(400),
        ")".repeat(400)
    );
    let dir = tree(&[("main.tf", &deep)]);
    let s = snapshot(dir.path(), VarInputs::default());
    // Either the parser refuses it with a diagnostic, or evaluation leaves it unknown.
    let b = s.resources.iter().find(|r| r.uid == "aws_s3_bucket.b");
    assert!(b.is_some() || !s.diagnostics.is_empty());
}

#[test]
fn plan_json_points_at_the_source_lines() {
    let dir = tree(&[(
        "src/main.tf",
        "resource \"aws_kms_key\" \"k\" {}\n\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"planned\"\n}\n",
    )]);
    let plan = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "values": {"bucket": "planned", "tags": {"data-classification": "ferpa"}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.b", "mode": "managed",
             "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "b",
             "values": {"bucket": "planned", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}}
        ]}},
        "resource_changes": [
            {"address": "aws_s3_bucket_server_side_encryption_configuration.b", "change": {"actions": ["create"],
             "after_unknown": {"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]}}}
        ],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_server_side_encryption_configuration.b", "mode": "managed",
             "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "b",
             "expressions": {"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}}]}]}}
        ]}}
    });
    std::fs::write(
        dir.path().join("plan.json"),
        serde_json::to_string_pretty(&plan).unwrap(),
    )
    .unwrap();
    let s = build_snapshot(&Sources {
        paths: vec![dir.path().join("plan.json")],
        plan_source: Some(dir.path().join("src")),
        root: dir.path().to_path_buf(),
        vars: VarInputs::default(),
        ..Default::default()
    })
    .unwrap();
    let b = res(&s, "aws_s3_bucket.b");
    assert_eq!(b.origin.source, rampart::model::SourceKind::TerraformPlan);
    let span = b.origin.span.as_ref().unwrap();
    assert_eq!((span.file.as_str(), span.start_line), ("src/main.tf", 3));
    assert_eq!(
        b.attribute("server_side_encryption.kms_master_key_id"),
        Some(&json!({"__unknown__": "aws_kms_key.k.arn"}))
    );
}

#[test]
fn a_saved_snapshot_evaluates_to_the_same_findings() {
    let out = tempfile::tempdir().unwrap();
    let snap = out.path().join("snapshot.json");
    let o = rampart(
        &[
            "collect",
            "examples/connectcentral",
            "-o",
            snap.to_str().unwrap(),
        ],
        &crate_dir(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let direct = rampart(
        &["scan", "examples/connectcentral", "--format", "json"],
        &crate_dir(),
    );
    let again = rampart(
        &[
            "scan",
            snap.to_str().unwrap(),
            "--format",
            "json",
            "--root",
            ".",
        ],
        &crate_dir(),
    );
    let results = |o: &std::process::Output| -> Value {
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["results"].clone()
    };
    assert_eq!(results(&direct), results(&again));
    // Deterministic: collecting twice gives identical bytes.
    let snap2 = out.path().join("snapshot2.json");
    rampart(
        &[
            "collect",
            "examples/connectcentral",
            "-o",
            snap2.to_str().unwrap(),
        ],
        &crate_dir(),
    );
    assert_eq!(
        std::fs::read(&snap).unwrap(),
        std::fs::read(&snap2).unwrap()
    );
}

#[test]
fn a_resource_referring_to_itself_is_unknown_not_a_crash() {
    let dir = tree(&[(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  tags = { self = aws_s3_bucket.b.arn, count = length(aws_s3_bucket.c) }\n}\nresource \"aws_s3_bucket\" \"c\" {\n  count  = length(aws_s3_bucket.c)\n  bucket = \"c\"\n}\n",
    )]);
    let s = snapshot(dir.path(), VarInputs::default());
    res(&s, "aws_s3_bucket.b");
    assert!(
        s.diagnostics
            .iter()
            .any(|d| d.message.contains("count is not known")),
        "{:?}",
        s.diagnostics
    );
}

/// What the Terraform adapters write for every type with a typed model matches the schema
/// generated from it: over every rule example, the bundled environment, and values known only
/// after apply, secrets and wrongly typed values in each place a model reads.
#[test]
fn what_terraform_writes_matches_the_generated_schemas() {
    let unknowns = tree(&[(
        "main.tf",
        r#"
variable "key" {}
variable "tokens" {}
variable "options" {}
variable "rules" {}
variable "secret" {
  sensitive = true
  default   = "aws:kms"
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
  versioning { enabled = var.tokens }
  lifecycle_rule {
    enabled = true
    expiration { days = "thirty" }
  }
}
resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.secret
      kms_master_key_id = var.key
    }
  }
}
resource "aws_security_group" "g" {
  name = "g"
  ingress {
    protocol    = var.tokens
    from_port   = "22"
    to_port     = 22
    cidr_blocks = var.rules
    self        = var.tokens
  }
}
resource "aws_instance" "i" {
  ami = "ami-1"
  dynamic "metadata_options" {
    for_each = var.options
    content { http_tokens = metadata_options.value }
  }
}
resource "aws_launch_template" "t" {
  name = "t"
  metadata_options { http_tokens = var.tokens }
}
"#,
    )]);
    let s = build_snapshot(&Sources {
        paths: vec![
            crate_dir().join("policies/aws"),
            crate_dir().join("examples/connectcentral"),
            unknowns.path().to_path_buf(),
        ],
        root: crate_dir(),
        ..Default::default()
    })
    .unwrap();
    let resources = serde_json::to_value(&s.resources).unwrap();
    let checked = assert_resources_match_their_schemas(resources.as_array().unwrap());
    assert!(checked >= 20, "only {checked} resources have a typed model");
}
