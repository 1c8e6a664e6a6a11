resource "aws_cloudwatch_log_group" "audit" {
  name              = "/district/audit"
  retention_in_days = 400
}
