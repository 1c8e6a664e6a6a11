resource "aws_s3_bucket" "records" {
  bucket = "district-student-records"
  tags = {
    data-classification = "ferpa"
    data-owner          = "registrar@district.example"
    retention           = "5y-after-graduation"
    purpose             = "student-records"
  }
}
