resource "aws_iam_group" "registrars" {
  name = "registrars"
}

resource "aws_iam_group_policy_attachment" "registrars_read" {
  group      = aws_iam_group.registrars.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_user" "registrar" {
  name = "registrar"
}

resource "aws_iam_user_group_membership" "registrar" {
  user   = aws_iam_user.registrar.name
  groups = [aws_iam_group.registrars.name]
}
