resource "aws_s3_bucket" "content" {
  bucket = "district-course-content"
  tags   = { data-classification = "internal" }
}

resource "aws_s3_bucket_policy" "content" {
  bucket = aws_s3_bucket.content.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.content.arn}/*"
    }]
  })
}

resource "aws_sqs_queue" "grades" {
  name = "grade-sync"
  tags = { data-classification = "internal" }
}

resource "aws_sqs_queue_policy" "grades" {
  queue_url = aws_sqs_queue.grades.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.grades.arn
    }]
  })
}

resource "aws_lambda_function" "roster" {
  function_name = "roster-import"
  role          = "arn:aws:iam::111122223333:role/roster"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "roster.zip"
}

resource "aws_lambda_permission" "anyone" {
  statement_id  = "anyone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.roster.function_name
  principal     = "*"
}
