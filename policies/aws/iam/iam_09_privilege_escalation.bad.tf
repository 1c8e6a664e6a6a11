resource "aws_iam_user" "dev" {
  name = "dev"
}

# The developer can pass any role to EC2, including the deploy role, which can rewrite IAM.
resource "aws_iam_user_policy" "dev" {
  user = aws_iam_user.dev.name
  name = "debug-hosts"
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = ["ec2:RunInstances"], Resource = "*" },
      { Effect = "Allow", Action = ["iam:PassRole"], Resource = "*" },
    ]
  })
}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "deploy" {
  role   = aws_iam_role.deploy.id
  name   = "deploy"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:*"], Resource = "*" }] })
}
