resource "aws_s3_bucket" "records" {
  bucket = "district-student-records"
  tags   = { data-classification = "ferpa" }
}

resource "aws_iam_role" "reporting" {
  name = "reporting-job"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

# Reads every bucket in the account, student records included.
resource "aws_iam_role_policy" "reporting" {
  role   = aws_iam_role.reporting.id
  name   = "read-all"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }] })
}
