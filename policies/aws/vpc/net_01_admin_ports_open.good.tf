resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    description = "HTTPS from anywhere"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = "campus"
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::111122223333:role/eks-nodes"
  subnet_ids      = ["subnet-0123456789abcdef0"]

  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }

  remote_access {
    ec2_ssh_key               = "ops"
    source_security_group_ids = ["sg-0123456789abcdef0"]
  }
}
