provider "aws" {
  region = "us-east-1"
}

variable "db_password" {
  type      = string
  sensitive = true
}

data "aws_secretsmanager_secret_version" "sis" {
  secret_id = "sis-api-token"
}

resource "aws_db_instance" "gradebook" {
  identifier                  = "gradebook"
  engine                      = "postgres"
  instance_class              = "db.t3.micro"
  username                    = "grader"
  manage_master_user_password = true
}

resource "aws_db_instance" "reports" {
  identifier     = "reports"
  engine         = "postgres"
  instance_class = "db.t3.micro"
  username       = "reporter"
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
      SIS_API_TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:sis-api-token"
      SIS_API_TOKEN     = data.aws_secretsmanager_secret_version.sis.secret_string
      LOG_LEVEL         = "info"
    }
  }
}

resource "aws_instance" "bastion" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = <<-EOF
    #!/bin/bash
    export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id gradebook --query SecretString --output text)
  EOF
}
