provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "Sup3rSecretGradebook!"
}

resource "aws_db_instance" "gradebook" {
  identifier     = "gradebook"
  engine         = "postgres"
  instance_class = "db.t3.micro"
  username       = "grader"
  password       = var.db_password
}

resource "aws_lambda_function" "export" {
  function_name = "export"
  role          = "arn:aws:iam::123456789012:role/export"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "export.zip"
  environment {
    variables = {
      SIS_API_TOKEN = "tok_live_4f9a8b7c6d5e"
      LOG_LEVEL     = "info"
    }
  }
}

resource "aws_instance" "bastion" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = <<-EOF
    #!/bin/bash
    export DB_PASSWORD=Sup3rSecretGradebook!
  EOF
}
