# Holds student records, but relies on the SSE-S3 default: no customer-managed key.
resource "aws_s3_bucket" "records" {
  bucket = "district-student-records"
  tags   = { data-classification = "ferpa" }
}
