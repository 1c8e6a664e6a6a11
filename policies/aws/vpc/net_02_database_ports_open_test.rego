package rampart.aws.vpc.net_02_test

import data.rampart.aws.vpc.net_02

inp(r) := {"resources_by_type": {"aws_security_group": [{"uid": "sg", "attributes": {"ingress": [r]}}]}}

test_postgres_from_anywhere_fails if {
	count(net_02.deny) == 1 with input as inp({"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []})
}

test_postgres_from_ipv6_anywhere_fails if {
	count(net_02.deny) == 1 with input as inp({"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": [], "ipv6_cidr_blocks": ["::/0"]})
}

test_postgres_from_app_group_passes if {
	count(net_02.deny) == 0 with input as inp({"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": [], "ipv6_cidr_blocks": [], "security_groups": ["sg-app"]})
}

test_unknown_ports_from_anywhere_fail_conservatively if {
	count(net_02.deny) == 1 with input as inp({"protocol": "tcp", "from_port": {"__unknown__": "each.value.port"}, "to_port": {"__unknown__": "each.value.port"}, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []})
}
