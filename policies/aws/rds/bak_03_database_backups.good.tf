resource "aws_db_instance" "main" {
  identifier              = "students"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = "db.r6g.large"
  backup_retention_period = 14
  deletion_protection     = true
  tags                    = { data-classification = "ferpa" }
}

resource "aws_dynamodb_table" "attendance" {
  name                        = "attendance"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true
  tags                        = { data-classification = "ferpa" }

  attribute {
    name = "id"
    type = "S"
  }
}
