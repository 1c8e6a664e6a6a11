resource "aws_s3_bucket" "records" {
  bucket = "district-student-records"
  tags   = { data-classification = "ferpa" }
}

resource "aws_s3_bucket_versioning" "records" {
  bucket = aws_s3_bucket.records.id
  versioning_configuration {
    status = "Suspended"
  }
}
