resource "aws_s3_bucket" "study_export" {
  bucket = "district-research-export-2026"
  tags   = { data-classification = "ferpa", purpose = "study" }
}
