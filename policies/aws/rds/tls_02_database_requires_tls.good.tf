resource "aws_db_parameter_group" "pg" {
  name   = "students-pg14"
  family = "postgres14"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_instance" "main" {
  identifier           = "students"
  engine               = "postgres"
  engine_version       = "14.12"
  instance_class       = "db.r6g.large"
  parameter_group_name = aws_db_parameter_group.pg.name
}
