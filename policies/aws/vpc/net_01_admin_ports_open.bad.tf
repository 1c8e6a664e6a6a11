resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
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
    ec2_ssh_key = "ops"
  }
}
