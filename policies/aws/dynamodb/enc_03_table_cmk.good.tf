resource "aws_kms_key" "chat" {
  enable_key_rotation = true
}

resource "aws_dynamodb_table" "chat" {
  name         = "chat-messages"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "conversation_id"
  attribute {
    name = "conversation_id"
    type = "S"
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.chat.arn
  }
  tags = { data-classification = "ferpa" }
}
