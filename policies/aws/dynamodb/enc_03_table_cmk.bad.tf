resource "aws_dynamodb_table" "chat" {
  name         = "chat-messages"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "conversation_id"
  attribute {
    name = "conversation_id"
    type = "S"
  }
}
