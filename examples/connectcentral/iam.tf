# Service roles for the microservices running on EKS (IRSA), one per service.
locals {
  services = {
    profiles = { bucket_access = [], tables = [] }
    courses  = { bucket_access = ["course_content"], tables = [] }
    feed     = { bucket_access = [], tables = ["activity_feed"] }
    chat     = { bucket_access = [], tables = ["chat"] }
  }
}

data "aws_iam_policy_document" "irsa_trust" {
  for_each = local.services
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/oidc.eks.${var.region}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"]
    }
    condition {
      test     = "StringEquals"
      variable = "oidc.eks.${var.region}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
      values   = ["system:serviceaccount:${each.key}:${each.key}"]
    }
  }
}

resource "aws_iam_role" "service" {
  for_each           = local.services
  name               = "${local.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.irsa_trust[each.key].json
}

data "aws_iam_policy_document" "service" {
  for_each = { for k, v in local.services : k => v if length(v.tables) > 0 }
  statement {
    actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [for t in each.value.tables : module.data.table_arns[t]]
  }
}

resource "aws_iam_role_policy" "service" {
  for_each = data.aws_iam_policy_document.service
  name     = "tables"
  role     = aws_iam_role.service[each.key].id
  policy   = each.value.json
}

# The CI role that applies Terraform from GitHub Actions.
resource "aws_iam_role" "ci" {
  name = "${local.name}-ci"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com" }
      # Mistake: the audience is pinned but not the repository, so any GitHub repository can assume it.
      Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" } }
    }]
  })
}

# Mistake: the deployer gets full administrator access.
resource "aws_iam_role_policy_attachment" "ci_admin" {
  role       = aws_iam_role.ci.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

# Analysts export course statistics; the wildcard grant is broader than the job needs.
resource "aws_iam_policy" "analytics_export" {
  name = "${local.name}-analytics-export"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ExportEverything"
      Effect   = "Allow"
      Action   = ["s3:*"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length   = 14
  password_reuse_prevention = 24
  require_symbols           = true
  require_numbers           = true
}

# Support engineers: analysts assume the support role to debug production.
resource "aws_iam_group" "analysts" {
  name = "${local.name}-analysts"
}

resource "aws_iam_user" "analyst" {
  name = "dana.analyst"
}

resource "aws_iam_user_group_membership" "analyst" {
  user   = aws_iam_user.analyst.name
  groups = [aws_iam_group.analysts.name]
}

resource "aws_iam_group_policy" "analysts_assume_support" {
  group = aws_iam_group.analysts.name
  name  = "assume-support"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.support.arn }]
  })
}

resource "aws_iam_role" "support" {
  name = "${local.name}-support"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
    }]
  })
}

# Mistake: support may launch instances with any connectcentral role, including the automation
# role below, which can rewrite IAM: an escalation path from analyst to administrator.
resource "aws_iam_role_policy" "support" {
  role = aws_iam_role.support.id
  name = "support"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "ReadRecordsForTickets", Effect = "Allow", Action = ["s3:GetObject"], Resource = "${module.data.student_records_bucket_arn}/*" },
      { Sid = "LaunchDebugHosts", Effect = "Allow", Action = ["ec2:RunInstances", "ec2:DescribeInstances"], Resource = "*" },
      { Sid = "PassServiceRoles", Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::*:role/${local.name}-*" },
    ]
  })
}

resource "aws_iam_role" "ops_automation" {
  name = "${local.name}-ops-automation"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "ops_automation" {
  role = aws_iam_role.ops_automation.id
  name = "automation"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["iam:*", "ec2:*"], Resource = "*" }]
  })
}
