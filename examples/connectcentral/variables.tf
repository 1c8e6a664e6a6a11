variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type = string
}

variable "vpc_cidr" {
  type    = string
  default = "10.40.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "office_cidrs" {
  description = "Networks allowed to reach the Kubernetes API"
  type        = list(string)
  default     = ["198.51.100.0/24"]
}

variable "github_repository" {
  type    = string
  default = "connectcentral/platform"
}
