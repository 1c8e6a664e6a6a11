variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "app_security_group" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_kms_key" "records" {
  description         = "${var.name} student records"
  enable_key_rotation = true
}

resource "aws_kms_alias" "records" {
  name          = "alias/${var.name}-records"
  target_key_id = aws_kms_key.records.key_id
}

# --- S3 -----------------------------------------------------------------------------------------

resource "aws_s3_bucket" "student_records" {
  bucket = "${var.name}-student-records"
  tags = {
    data-classification = "ferpa"
    data-owner          = "registrar@connectcentral.example"
    retention           = "5y-after-graduation"
    purpose             = "student-records"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "student_records" {
  bucket = aws_s3_bucket.student_records.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.records.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "student_records" {
  bucket = aws_s3_bucket.student_records.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "student_records" {
  bucket        = aws_s3_bucket.student_records.id
  target_bucket = "${var.name}-access-logs"
  target_prefix = "student-records/"
}

# Mistake: no bucket policy, so nothing denies plain-HTTP requests to student records.

resource "aws_s3_bucket" "course_content" {
  bucket = "${var.name}-course-content"
  tags   = { data-classification = "internal" }
}

# Mistake: uploads from the chat service carry no classification tag (treated as FERPA data).
resource "aws_s3_bucket" "uploads" {
  bucket = "${var.name}-chat-uploads"
}

resource "aws_s3_bucket" "research_export" {
  bucket = "${var.name}-research-export"
  tags = {
    data-classification = "ferpa"
    data-owner          = "research@connectcentral.example"
    retention           = "per-agreement"
    purpose             = "study"
    agreement-id        = "DUA-2026-004"
    destroy-by          = "2027-06-30"
  }
}

# Mistake: the study export has no lifecycle rule to destroy it after the agreement ends.

# --- RDS PostgreSQL with a read replica -----------------------------------------------------------

resource "aws_db_subnet_group" "main" {
  name       = "${var.name}-db"
  subnet_ids = var.private_subnet_ids
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "PostgreSQL from the application only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = var.app_security_group
  from_port                    = 5432
  to_port                      = 5432
  ip_protocol                  = "tcp"
}

# Mistake: a custom parameter group that never sets rds.force_ssl on PostgreSQL 14.
resource "aws_db_parameter_group" "main" {
  name   = "${var.name}-pg14"
  family = "postgres14"
  parameter {
    name  = "log_connections"
    value = "1"
  }
}

resource "aws_db_instance" "main" {
  identifier              = "${var.name}-core"
  engine                  = "postgres"
  engine_version          = "14.12"
  instance_class          = "db.r6g.xlarge"
  allocated_storage       = 200
  username                = "connectcentral"
  password                = var.db_password
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.records.arn
  multi_az                = true
  db_subnet_group_name    = aws_db_subnet_group.main.name
  vpc_security_group_ids  = [aws_security_group.db.id]
  parameter_group_name    = aws_db_parameter_group.main.name
  backup_retention_period = 14
  deletion_protection     = true
  tags = {
    data-classification = "ferpa"
    data-owner          = "platform@connectcentral.example"
    retention           = "5y-after-graduation"
    purpose             = "profiles-and-registrations"
  }
}

resource "aws_db_instance" "replica" {
  count                  = 2
  identifier             = "${var.name}-core-replica-${count.index}"
  replicate_source_db    = aws_db_instance.main.identifier
  instance_class         = "db.r6g.large"
  vpc_security_group_ids = [aws_security_group.db.id]
  parameter_group_name   = aws_db_parameter_group.main.name
  kms_key_id             = aws_kms_key.records.arn
  deletion_protection    = true
}

# --- DynamoDB -----------------------------------------------------------------------------------

resource "aws_dynamodb_table" "activity_feed" {
  name         = "${var.name}-activity-feed"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "student_id"
  range_key    = "ts"
  attribute {
    name = "student_id"
    type = "S"
  }
  attribute {
    name = "ts"
    type = "N"
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.records.arn
  }
  point_in_time_recovery {
    enabled = true
  }
  tags = {
    data-classification = "ferpa"
    data-owner          = "feed-team@connectcentral.example"
    retention           = "2y"
    purpose             = "activity-feed"
  }
}

# Mistake: chat messages between students use the AWS owned key and have no point-in-time recovery.
resource "aws_dynamodb_table" "chat" {
  name         = "${var.name}-chat"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "conversation_id"
  range_key    = "ts"
  attribute {
    name = "conversation_id"
    type = "S"
  }
  attribute {
    name = "ts"
    type = "N"
  }
  tags = {
    data-classification = "ferpa"
    data-owner          = "chat-team@connectcentral.example"
    retention           = "1y"
    purpose             = "chat"
  }
}

output "student_records_bucket_arn" {
  value = aws_s3_bucket.student_records.arn
}

output "table_arns" {
  value = {
    activity_feed = aws_dynamodb_table.activity_feed.arn
    chat          = aws_dynamodb_table.chat.arn
  }
}
