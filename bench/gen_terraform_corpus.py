#!/usr/bin/env python3
"""Generates a Terraform corpus for benchmarks: by default ~2,750 resources in 700 files (~76k
lines) across 20 root modules (a monorepo of stacks), mixing S3, IAM, VPC, RDS and KMS resources
with variables and locals. `--scale N` multiplies the number of stacks.

Deterministic: the same arguments give the same files.
"""
import argparse
import os
import random

FILES_PER_STACK = 35
STACKS = 20

HEADER = """# Generated benchmark corpus: stack {stack}, file {n}.
# Realistic shape: tags from locals, names from variables, split S3 resources, IAM documents.
#
# This file is managed by Terraform. Do not edit resources in the console: drift is detected
# nightly and reverted. Every change needs a pull request with a plan attached, a review from
# the owning team, and for anything that touches student data, a review from the privacy office.
#
# Conventions
#   - Names come from local.prefix so that environments never collide.
#   - Tags come from local.common_tags merged with per-resource tags.
#   - Data stores carry data-classification, data-owner, retention and purpose tags.
#   - Keys rotate yearly; buckets deny plain HTTP; databases force TLS.
#
# Incident response
#   1. Page the owning team (see the owner tag).
#   2. Snapshot affected data stores before any change.
#   3. Record every access to education records in the incident ticket.
#
# Retention
#   Education records follow the district schedule; audit logs are kept at least as long as
#   the records they describe. Exports for studies are destroyed by the agreement's date.
#
# Contacts
#   platform@district.example, security@district.example, privacy@district.example
#
# Change log
#   2025-01  initial import from the legacy data center
#   2025-03  KMS keys per data store
#   2025-06  split S3 resources (provider v5)
#   2025-09  database TLS enforced through parameter groups
#   2026-01  IAM policies reviewed for least privilege
#   2026-04  tags aligned with the data governance catalog
#
"""


def tags(kind, i, classification):
    return f"""  tags = merge(local.common_tags, {{
    Name                = "${{local.prefix}}-{kind}-{i}"
    data-classification = "{classification}"
    owner               = var.owner
    cost-center         = "cc-{i % 17}"
    service             = "svc-{i % 11}"
    data-owner          = "${{var.owner}}@district.example"
    retention           = "{i % 7 + 1}y"
    purpose             = "service-{i % 5}"
    backup-plan         = "daily"
    compliance          = "ferpa"
  }})
"""


def doc(kind, i):
    return f"""
# ---------------------------------------------------------------------------------------------
# {kind} {i}
#
# Owned by the platform team. Changes to this block go through the change advisory board;
# see the runbook for rotation, restore and decommissioning steps. Student data handled by
# this component is covered by the district's data governance agreement.
#
# Review: quarterly. Last reviewed by the security lead.
# ---------------------------------------------------------------------------------------------
"""


def s3(i, rnd):
    head = doc("s3", i)
    cls = rnd.choice(["ferpa", "internal", "public", "pii"])
    kms = rnd.random() < 0.6
    enc = (
        f"""      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k{i}.arn"""
        if kms
        else """      sse_algorithm = "AES256\""""
    )
    key = (
        f"""
resource "aws_kms_key" "k{i}" {{
  description             = "bucket key {i}"
  deletion_window_in_days = 30
  enable_key_rotation     = {str(rnd.random() < 0.8).lower()}
{tags("key", i, cls)}}}
"""
        if kms
        else ""
    )
    return head + f"""
resource "aws_s3_bucket" "b{i}" {{
  bucket = "${{local.prefix}}-data-{i}"
{tags("bucket", i, cls)}}}

resource "aws_s3_bucket_server_side_encryption_configuration" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  rule {{
    apply_server_side_encryption_by_default {{
{enc}
    }}
    bucket_key_enabled = true
  }}
}}

resource "aws_s3_bucket_versioning" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  versioning_configuration {{
    status = "{rnd.choice(["Enabled", "Enabled", "Suspended"])}"
  }}
}}
{key}"""


def iam(i, rnd):
    head = doc("iam", i)
    action = rnd.choice(['"s3:GetObject"', '"s3:*"', '"dynamodb:Query"', '"*"', '"kms:Decrypt"'])
    return head + f"""
data "aws_iam_policy_document" "trust{i}" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "r{i}" {{
  name               = "${{local.prefix}}-role-{i}"
  assume_role_policy = data.aws_iam_policy_document.trust{i}.json
{tags("role", i, "internal")}}}

resource "aws_iam_policy" "p{i}" {{
  name = "${{local.prefix}}-policy-{i}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid      = "Access{i}"
      Effect   = "Allow"
      Action   = [{action}]
      Resource = "arn:aws:s3:::${{local.prefix}}-data-{i}/*"
    }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "a{i}" {{
  role       = aws_iam_role.r{i}.name
  policy_arn = aws_iam_policy.p{i}.arn
}}
"""


def vpc(i, rnd):
    head = doc("vpc", i)
    port = rnd.choice([22, 443, 5432, 8080, 3389])
    cidr = rnd.choice(['"0.0.0.0/0"', "var.vpc_cidr", '"10.0.0.0/8"'])
    return head + f"""
resource "aws_security_group" "sg{i}" {{
  name        = "${{local.prefix}}-sg-{i}"
  description = "service {i}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {{
    for_each = local.app_ports
    content {{
      description = "app ${{ingress.key}}"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.vpc_cidr]
    }}
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
{tags("sg", i, "internal")}}}

resource "aws_security_group_rule" "extra{i}" {{
  type              = "ingress"
  security_group_id = aws_security_group.sg{i}.id
  from_port         = {port}
  to_port           = {port}
  protocol          = "tcp"
  cidr_blocks       = [{cidr}]
}}

resource "aws_subnet" "s{i}" {{
  vpc_id            = var.vpc_id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, {i % 250})
  availability_zone = element(var.azs, {i})
{tags("subnet", i, "internal")}}}
"""


def rds(i, rnd):
    head = doc("rds", i)
    version = rnd.choice(["14.12", "15.7", "16.3"])
    return head + f"""
resource "aws_db_parameter_group" "pg{i}" {{
  name   = "${{local.prefix}}-pg-{i}"
  family = "postgres{version.split(".")[0]}"
  parameter {{
    name  = "rds.force_ssl"
    value = "{rnd.choice(["1", "0"])}"
  }}
  parameter {{
    name  = "log_connections"
    value = "1"
  }}
}}

resource "aws_db_instance" "db{i}" {{
  identifier              = "${{local.prefix}}-db-{i}"
  engine                  = "postgres"
  engine_version          = "{version}"
  instance_class          = var.db_class
  allocated_storage       = 100
  storage_encrypted       = {str(rnd.random() < 0.85).lower()}
  parameter_group_name    = aws_db_parameter_group.pg{i}.name
  backup_retention_period = {rnd.choice([1, 7, 14])}
  deletion_protection     = {str(rnd.random() < 0.7).lower()}
  publicly_accessible     = false
  username                = "app"
  password                = var.db_password
{tags("db", i, "ferpa")}}}
"""


GENERATORS = [s3, iam, vpc, rds]


def stack_common(stack):
    return f"""variable "owner" {{
  type    = string
  default = "team-{stack}"
}}

variable "vpc_id" {{
  type    = string
  default = "vpc-{stack:08x}"
}}

variable "vpc_cidr" {{
  type    = string
  default = "10.{stack % 250}.0.0/16"
}}

variable "azs" {{
  type    = list(string)
  default = ["us-east-1a", "us-east-1b", "us-east-1c"]
}}

variable "db_class" {{
  type    = string
  default = "db.r6g.large"
}}

variable "db_password" {{
  type      = string
  sensitive = true
  default   = "not-a-real-password"
}}

locals {{
  prefix = "bench-{stack}"
  common_tags = {{
    project     = "bench"
    stack       = "{stack}"
    environment = "prod"
  }}
  app_ports = {{
    http  = 8080
    grpc  = 9090
  }}
}}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--scale", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(42)
    resources = files = lines = 0
    i = 0
    for stack in range(STACKS * args.scale):
        d = os.path.join(args.out, f"stack-{stack:04d}")
        os.makedirs(d, exist_ok=True)
        text = stack_common(stack)
        with open(os.path.join(d, "variables.tf"), "w") as f:
            f.write(text)
        files += 1
        lines += text.count("\n")
        for n in range(FILES_PER_STACK - 1):
            parts = [HEADER.format(stack=stack, n=n)]
            for _ in range(2 if n % 3 == 2 else 1):
                gen = GENERATORS[i % len(GENERATORS)]
                parts.append(gen(i, rnd))
                i += 1
            text = "".join(parts)
            resources += text.count('\nresource "') + text.count('\ndata "')
            with open(os.path.join(d, f"file_{n:03d}.tf"), "w") as f:
                f.write(text)
            files += 1
            lines += text.count("\n")
    print(f"{resources} resources, {files} files, {lines} lines in {args.out}")


if __name__ == "__main__":
    main()
