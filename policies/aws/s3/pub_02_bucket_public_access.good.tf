# Today's defaults block public access and disable ACLs: nothing to configure.
resource "aws_s3_bucket" "records" {
  bucket = "district-student-records"
  tags   = { data-classification = "ferpa" }
}
