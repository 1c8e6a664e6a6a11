package rampart.aws.vpc.net_04_test

import data.rampart.aws.vpc.net_04

inp(logs) := {"resources_by_type": {"aws_vpc": [{"uid": "v", "attributes": {"flow_logs": logs}}]}}

test_no_flow_logs_fails if {
	count(net_04.deny) == 1 with input as inp([])
}

test_reject_only_fails if {
	count(net_04.deny) == 1 with input as inp([{"traffic_type": "REJECT"}])
}

test_all_traffic_passes if {
	count(net_04.deny) == 0 with input as inp([{"traffic_type": "ALL"}])
}
