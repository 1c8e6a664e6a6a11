resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = "district-audit-logs"
  is_multi_region_trail = true
}
