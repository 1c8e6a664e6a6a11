resource "aws_kms_key" "records" {
  description = "Student records"
}
