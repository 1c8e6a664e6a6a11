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
      Condition = { StringEquals = { "aws:SourceVpce" = "vpce-0a1b2c3d4e5f67890" } }
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
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.grades.arn
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:us-east-1:111122223333:grades" } }
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

resource "aws_lambda_permission" "uploads" {
  statement_id  = "uploads"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.roster.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = "arn:aws:s3:::district-roster-uploads"
}
