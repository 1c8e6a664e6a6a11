resource "aws_kms_key" "eks" {
  description         = "${local.name} EKS secrets"
  enable_key_rotation = true
}

resource "aws_iam_role" "eks_cluster" {
  name = "${local.name}-eks-cluster"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "eks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "eks_cluster" {
  role       = aws_iam_role.eks_cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_eks_cluster" "platform" {
  name     = local.name
  role_arn = aws_iam_role.eks_cluster.arn
  version  = "1.30"

  # Mistake: only API logs; audit and authenticator logs are what an auditor asks for.
  enabled_cluster_log_types = ["api"]

  vpc_config {
    subnet_ids              = module.network.private_subnet_ids
    endpoint_private_access = true
    # Mistake: public endpoint left open to the whole internet (the provider default).
    endpoint_public_access = true
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.eks.arn
    }
  }
}
