resource "aws_kms_key" "db" {
  enable_key_rotation = true
}

resource "aws_db_instance" "main" {
  identifier          = "students"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.r6g.large"
  storage_encrypted   = true
  kms_key_id          = aws_kms_key.db.arn
  tags                = { data-classification = "ferpa" }
}
