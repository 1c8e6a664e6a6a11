resource "aws_efs_file_system" "exports" {
  creation_token = "report-exports"
  encrypted      = true
  tags           = { data-classification = "internal" }
}
