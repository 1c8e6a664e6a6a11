locals {
  name = "connectcentral-${var.environment}"
  common_tags = {
    project     = "connectcentral"
    environment = var.environment
    managed-by  = "terraform"
  }
}

data "aws_caller_identity" "current" {}

module "network" {
  source   = "./modules/network"
  name     = local.name
  vpc_cidr = var.vpc_cidr
  azs      = var.azs
}

module "data" {
  source             = "./modules/data"
  name               = local.name
  vpc_id             = module.network.vpc_id
  private_subnet_ids = module.network.private_subnet_ids
  app_security_group = module.network.app_security_group_id
  db_password        = var.db_password
}
