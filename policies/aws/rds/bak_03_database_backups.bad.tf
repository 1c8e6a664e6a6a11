resource "aws_db_instance" "main" {
  identifier     = "students"
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.r6g.large"
  tags           = { data-classification = "ferpa" }
}

resource "aws_dynamodb_table" "attendance" {
  name         = "attendance"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  tags         = { data-classification = "ferpa" }

  attribute {
    name = "id"
    type = "S"
  }
}
