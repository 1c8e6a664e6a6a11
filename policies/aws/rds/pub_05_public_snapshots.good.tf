resource "aws_db_snapshot" "before_migration" {
  db_instance_identifier = "sis"
  db_snapshot_identifier = "sis-before-migration"
  shared_accounts        = ["111122223333"]
}
