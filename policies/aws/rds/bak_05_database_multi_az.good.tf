resource "aws_db_instance" "main" {
  identifier     = "students"
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.r6g.large"
  multi_az       = true
}

resource "aws_db_instance" "reporting" {
  identifier          = "students-reporting"
  engine              = "postgres"
  instance_class      = "db.r6g.large"
  replicate_source_db = aws_db_instance.main.identifier
}
