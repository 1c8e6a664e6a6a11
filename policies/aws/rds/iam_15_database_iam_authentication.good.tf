resource "aws_db_instance" "sis" {
  identifier                          = "sis"
  engine                              = "postgres"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 20
  iam_database_authentication_enabled = true
}

resource "aws_db_instance" "finance" {
  identifier        = "finance"
  engine            = "sqlserver-se"
  instance_class    = "db.m5.large"
  allocated_storage = 20
  license_model     = "license-included"
}
