resource "aws_subnet" "web" {
  vpc_id                  = "vpc-0123456789abcdef0"
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_instance" "app" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
}

resource "aws_launch_template" "web" {
  name = "web"

  network_interfaces {
    associate_public_ip_address = "true"
  }
}
