resource "aws_s3_bucket" "records" {
  bucket = "district-student-records"
  tags   = { data-classification = "ferpa" }
}

resource "aws_iam_role" "registrar" {
  name = "registrar-app"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "registrar" {
  role = aws_iam_role.registrar.id
  name = "records"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "${aws_s3_bucket.records.arn}/*" }]
  })
}
