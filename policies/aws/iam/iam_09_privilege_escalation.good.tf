resource "aws_iam_user" "dev" {
  name = "dev"
}

resource "aws_iam_user_policy" "dev" {
  user = aws_iam_user.dev.name
  name = "assume-readonly"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.readonly.arn }]
  })
}

resource "aws_iam_role" "readonly" {
  name = "readonly"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }]
  })
}

resource "aws_iam_role_policy" "readonly" {
  role   = aws_iam_role.readonly.id
  name   = "read"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::reports/*" }] })
}
