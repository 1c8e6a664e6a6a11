package rampart.aws.vpc.net_05_test

import data.rampart.aws.vpc.net_05

inp(e) := {"resources_by_type": {"aws_network_acl": [{"uid": "n", "attributes": {"entries": [e]}}]}}

test_allow_all_inbound_fails if {
	count(net_05.deny) == 1 with input as inp({"egress": false, "rule_no": 100, "action": "allow", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "0.0.0.0/0"})
}

test_https_inbound_passes if {
	count(net_05.deny) == 0 with input as inp({"egress": false, "rule_no": 100, "action": "allow", "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_block": "0.0.0.0/0"})
}

test_egress_is_out_of_scope if {
	count(net_05.deny) == 0 with input as inp({"egress": true, "rule_no": 100, "action": "allow", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "0.0.0.0/0"})
}
