resource "aws_efs_file_system" "exports" {
  creation_token = "report-exports"
  tags           = { data-classification = "internal" }
}
