resource "aws_subnet" "app" {
  vpc_id     = "vpc-0123456789abcdef0"
  cidr_block = "10.0.1.0/24"
}

resource "aws_instance" "app" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.app.id
  associate_public_ip_address = false
}

resource "aws_launch_template" "web" {
  name = "web"

  network_interfaces {
    associate_public_ip_address = "false"
  }
}
