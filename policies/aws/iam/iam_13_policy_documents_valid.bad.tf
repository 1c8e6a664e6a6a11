resource "aws_iam_policy" "read" {
  name = "read-reports"
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObjet"], Resource = "arn:aws:s3:::reports/*" },
      { Effect = "Deny", Action = ["s3:DeleteObjects"], Resource = "arn:aws:s3:::reports/*" },
    ]
  })
}
