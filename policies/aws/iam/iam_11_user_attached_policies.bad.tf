resource "aws_iam_user" "registrar" {
  name = "registrar"
}

resource "aws_iam_user_policy_attachment" "registrar_read" {
  user       = aws_iam_user.registrar.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_user_policy" "registrar_notes" {
  name = "notes"
  user = aws_iam_user.registrar.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::registrar-notes/*" }]
  })
}
