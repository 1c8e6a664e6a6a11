# METADATA
# title: Instances get no public IP address, and subnets do not hand them out
# description: >-
#   A machine with a public IP address is one security group rule away from the internet, and
#   its address is what scanners find first. Machines that serve the internet sit behind a load
#   balancer; the rest reach out through a NAT gateway. A subnet that gives every instance
#   launched in it a public address (`map_public_ip_on_launch`) fails, and so does an instance,
#   a launch template (any of its network interfaces) or a launch configuration that asks for
#   one. A machine that does not say takes its subnet's setting, which is judged on the subnet.
#   Live, an instance that has a public address fails whatever gave it one.
# custom:
#   id: NET-06
#   severity: medium
#   resource_types: [aws_subnet, aws_instance, aws_launch_template, aws_launch_configuration]
#   reads: [map_public_ip_on_launch, associate_public_ip_address]
#   remediation: >-
#     Set map_public_ip_on_launch = false on the subnet and associate_public_ip_address = false
#     (or leave it out in a private subnet) on instances, launch templates' network_interfaces and
#     launch configurations; put internet-facing services behind a load balancer.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [SC-7, AC-4]
#   equivalents:
#     checkov: [CKV_AWS_88, CKV_AWS_130, CKV_AWS_389]
#     prowler: [ec2_instance_public_ip, vpc_subnet_no_public_ip_by_default, ec2_launch_template_no_public_ip]
package rampart.aws.vpc.net_06

import data.rampart.lib

deny contains lib.finding(s, "map_public_ip_on_launch", "subnet gives every instance launched in it a public IP address") if {
	some s in lib.resources("aws_subnet")
	s.attributes.map_public_ip_on_launch == true
}

deny contains lib.finding(m, "associate_public_ip_address", sprintf("%s gets a public IP address: it is reachable from the internet wherever its security groups allow", [lib.machine_kind[m.type]])) if {
	some m in lib.machines
	m.attributes.associate_public_ip_address == true
}
