resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length      = 16
  password_reuse_prevention    = 24
  require_symbols              = true
  require_numbers              = true
  require_uppercase_characters = true
  require_lowercase_characters = true
}
