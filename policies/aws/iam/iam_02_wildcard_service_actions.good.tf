data "aws_iam_policy_document" "feed" {
  statement {
    actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]
    resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/activity-feed"]
  }
}

resource "aws_iam_policy" "feed" {
  name   = "activity-feed-rw"
  policy = data.aws_iam_policy_document.feed.json
}
