package rampart.aws.s3.log_04_test

import data.rampart.aws.s3.log_04

b(logging, class) := {"uid": "b", "attributes": {"bucket": "x", "logging": logging}, "derived": {"classification": class}}

inp(bucket, trails) := {"resources_by_type": {"aws_s3_bucket": [bucket], "aws_cloudtrail": trails}, "resources_by_uid": {"b": bucket}}

test_ferpa_bucket_without_logging_fails if {
	count(log_04.deny) == 1 with input as inp(b({"enabled": false}, "ferpa"), [])
}

test_ferpa_bucket_with_logging_passes if {
	count(log_04.deny) == 0 with input as inp(b({"enabled": true, "target_bucket": "logs"}, "ferpa"), [])
}

test_trail_bucket_is_in_scope if {
	count(log_04.applies) == 1 with input as inp(b({"enabled": false}, "internal"), [{"attributes": {"s3_bucket_name": "x"}}])
	count(log_04.applies) == 0 with input as inp(b({"enabled": false}, "internal"), [])
}
