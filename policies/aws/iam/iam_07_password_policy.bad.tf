resource "aws_iam_account_password_policy" "lenient" {
  minimum_password_length = 8
}
