resource "aws_s3_bucket" "site" {
  bucket = "district-public-site"
  tags   = { data-classification = "public" }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}
