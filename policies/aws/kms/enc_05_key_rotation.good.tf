resource "aws_kms_key" "records" {
  description         = "Student records"
  enable_key_rotation = true
}
