resource "aws_s3_bucket" "records" {
  bucket = "district-student-records"
  tags   = { data-classification = "ferpa" }
}
