package rampart.aws.cloudtrail.log_01_test

import data.rampart.aws.cloudtrail.log_01

mgmt := [{"read_write_type": "All", "include_management_events": true, "data_resources": []}]

inp(attrs) := {"resources_by_type": {"aws_cloudtrail": [{"uid": "t", "attributes": object.union({"is_multi_region_trail": true, "is_logging": true, "event_selectors": mgmt, "advanced_event_selectors": []}, attrs)}]}}

test_good_trail_passes if {
	count(log_01.deny) == 0 with input as inp({})
}

test_single_region_fails if {
	count(log_01.deny) == 1 with input as inp({"is_multi_region_trail": false})
}

test_write_only_fails if {
	count(log_01.deny) == 1 with input as inp({"event_selectors": [{"read_write_type": "WriteOnly", "include_management_events": true}]})
}
