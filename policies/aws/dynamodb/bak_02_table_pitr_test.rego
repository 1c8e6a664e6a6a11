package rampart.aws.dynamodb.bak_02_test

import data.rampart.aws.dynamodb.bak_02

t(pitr) := {"uid": "t", "attributes": {"point_in_time_recovery": pitr}, "derived": {"classification": "ferpa"}}

inp(x) := {"resources_by_type": {"aws_dynamodb_table": [x]}, "resources_by_uid": {"t": x}}

test_off_fails if {
	count(bak_02.deny) == 1 with input as inp(t(false))
}

test_on_passes if {
	count(bak_02.deny) == 0 with input as inp(t(true))
}
