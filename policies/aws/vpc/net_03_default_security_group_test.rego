package rampart.aws.vpc.net_03_test

import data.rampart.aws.vpc.net_03

inp(dsg) := {"resources_by_type": {"aws_vpc": [{"uid": "v", "attributes": {"default_security_group": dsg}}]}}

test_unmanaged_default_fails if {
	count(net_03.deny) == 1 with input as inp({"managed": false, "ingress": [{}], "egress": [{}]})
}

test_emptied_default_passes if {
	count(net_03.deny) == 0 with input as inp({"managed": true, "ingress": [], "egress": []})
}

test_live_default_group_with_rules_fails if {
	some f in net_03.deny with input as inp({"managed": null, "ingress": [{}], "egress": []})
	f.msg == "default security group has 1 rule(s)"
}
