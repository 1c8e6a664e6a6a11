resource "aws_s3_bucket" "records" {
  bucket = "district-student-records"
  tags   = { data-classification = "ferpa" }
}

# Management events only: nobody can tell who read which student record.
resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = "district-audit-logs"
  is_multi_region_trail = true
}
