resource "aws_iam_policy" "read" {
  name = "read-reports"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = ["s3:GetObject", "s3:ListBucket"]
      Resource  = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
      Condition = { Bool = { "aws:SecureTransport" = "true" } }
    }]
  })
}
