package rampart.aws.cloudtrail.log_05_test

import data.rampart.aws.cloudtrail.log_05

inp(d) := {"resources_by_type": {"aws_cloudwatch_log_group": [{"uid": "g", "attributes": {"retention_in_days": d}}]}}

test_short_retention_fails if {
	count(log_05.deny) == 1 with input as inp(30)
}

test_never_expire_and_one_year_pass if {
	count(log_05.deny) == 0 with input as inp(0)
	count(log_05.deny) == 0 with input as inp(400)
}
