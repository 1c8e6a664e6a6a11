resource "aws_s3_bucket" "content" {
  bucket = "district-course-content"
  tags   = { data-classification = "internal" }
}
