package rampart.aws.vpc.net_01_test

import data.rampart.aws.vpc.net_01

rule(proto, from, to, cidr) := {"protocol": proto, "from_port": from, "to_port": to, "cidr_blocks": [cidr], "ipv6_cidr_blocks": []}

inp(r) := {"resources_by_type": {"aws_security_group": [{"uid": "sg", "attributes": {"ingress": [r]}}]}}

test_ssh_from_anywhere_fails if {
	count(net_01.deny) == 1 with input as inp(rule("tcp", 22, 22, "0.0.0.0/0"))
}

test_range_covering_rdp_fails if {
	count(net_01.deny) == 1 with input as inp(rule("tcp", 3000, 4000, "0.0.0.0/0"))
}

test_all_traffic_fails if {
	count(net_01.deny) == 1 with input as inp(rule("-1", 0, 0, "0.0.0.0/0"))
}

test_https_from_anywhere_passes if {
	count(net_01.deny) == 0 with input as inp(rule("tcp", 443, 443, "0.0.0.0/0"))
}

test_ssh_from_office_passes if {
	count(net_01.deny) == 0 with input as inp(rule("tcp", 22, 22, "203.0.113.0/24"))
}

test_range_covering_both_admin_ports_reports_each if {
	count(net_01.deny) == 2 with input as inp(rule("tcp", 0, 4000, "0.0.0.0/0"))
}

test_unknown_port_from_anywhere_fails_conservatively if {
	count(net_01.deny) == 1 with input as inp(rule("tcp", {"__unknown__": "var.port"}, {"__unknown__": "var.port"}, "0.0.0.0/0"))
}

test_unknown_protocol_from_anywhere_fails_conservatively if {
	count(net_01.deny) == 1 with input as inp(rule({"__unknown__": "var.protocol"}, 443, 443, "0.0.0.0/0"))
}

test_unknown_port_from_office_passes if {
	count(net_01.deny) == 0 with input as inp(rule("tcp", {"__unknown__": "var.port"}, {"__unknown__": "var.port"}, "203.0.113.0/24"))
}

test_unknown_port_on_udp_passes if {
	count(net_01.deny) == 0 with input as inp(rule("udp", {"__unknown__": "var.port"}, {"__unknown__": "var.port"}, "0.0.0.0/0"))
}

node_group(access) := {"resources_by_type": {"aws_eks_node_group": [{"uid": "ng", "attributes": {"remote_access": access}}]}}

test_a_node_group_open_to_ssh_from_anywhere_fails if {
	count(net_01.deny) == 1 with input as node_group([{"ec2_ssh_key": "ops"}])
	count(net_01.deny) == 1 with input as node_group({"ec2_ssh_key": "ops", "source_security_group_ids": []})
}

test_a_node_group_reachable_from_named_groups_passes if {
	count(net_01.deny) == 0 with input as node_group([{"ec2_ssh_key": "ops", "source_security_group_ids": ["sg-1"]}])
	count(net_01.deny) == 0 with input as node_group([])
}
