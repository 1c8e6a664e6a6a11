resource "aws_s3_bucket" "study_export" {
  bucket = "district-research-export-2026"
  tags   = { data-classification = "ferpa", purpose = "study" }
}

resource "aws_s3_bucket_lifecycle_configuration" "study_export" {
  bucket = aws_s3_bucket.study_export.id
  rule {
    id     = "destroy-after-agreement"
    status = "Enabled"
    expiration {
      days = 180
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
  }
}
