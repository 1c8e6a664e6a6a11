resource "aws_s3_bucket" "study_export" {
  bucket = "district-research-export-2024"
  tags = {
    data-classification = "ferpa"
    data-owner          = "research-office@district.example"
    retention           = "agreement"
    purpose             = "study"
    agreement-id        = "DUA-2024-017"
    destroy-by          = "2025-06-30"
  }
}
