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
