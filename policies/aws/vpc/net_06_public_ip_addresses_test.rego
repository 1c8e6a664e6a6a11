package rampart.aws.vpc.net_06_test

import data.rampart.aws.vpc.net_06

inp(t, attrs) := {"resources_by_type": {t: [{"uid": "r", "type": t, "attributes": attrs}]}}

test_a_subnet_that_hands_out_public_addresses_fails if {
	count(net_06.deny) == 1 with input as inp("aws_subnet", {"map_public_ip_on_launch": true})
	count(net_06.deny) == 0 with input as inp("aws_subnet", {"map_public_ip_on_launch": false})
}

test_every_machine_type_that_asks_for_one_fails if {
	every t in ["aws_instance", "aws_launch_template", "aws_launch_configuration"] {
		count(net_06.deny) == 1 with input as inp(t, {"associate_public_ip_address": true})
	}
}

test_a_machine_that_does_not_say_is_judged_on_its_subnet if {
	count(net_06.deny) == 0 with input as inp("aws_instance", {"associate_public_ip_address": null})
}

test_unknown_is_not_judged_here if {
	count(net_06.deny) == 0 with input as inp("aws_launch_template", {"associate_public_ip_address": {"__unknown__": "var.public"}})
}
