resource "aws_db_instance" "sis" {
  identifier        = "sis"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
}
