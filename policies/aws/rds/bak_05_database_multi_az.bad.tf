resource "aws_db_instance" "main" {
  identifier     = "students"
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.r6g.large"
}
