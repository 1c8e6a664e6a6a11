package rampart.aws.s3.log_03_test

import data.rampart.aws.s3.log_03

bucket := {"uid": "aws_s3_bucket.r", "address": "aws_s3_bucket.r", "attributes": {"bucket": "records"}, "derived": {"classification": "ferpa"}}

trail(selectors, advanced) := {"uid": "t", "attributes": {"event_selectors": selectors, "advanced_event_selectors": advanced}}

inp(t) := {
	"resources_by_type": {"aws_s3_bucket": [bucket], "aws_cloudtrail": t},
	"resources_by_uid": {"aws_s3_bucket.r": bucket},
}

mgmt := [{"read_write_type": "All", "include_management_events": true, "data_resources": []}]

test_trail_without_data_events_fails if {
	count(log_03.deny) == 1 with input as inp([trail(mgmt, [])])
}

test_basic_selector_for_bucket_passes if {
	sel := [{"read_write_type": "All", "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::records/"]}]}]
	count(log_03.deny) == 0 with input as inp([trail(sel, [])])
}

test_advanced_selector_for_all_objects_passes if {
	adv := [{"field_selectors": [{"field": "eventCategory", "equals": ["Data"], "starts_with": []}, {"field": "resources.type", "equals": ["AWS::S3::Object"], "starts_with": []}]}]
	count(log_03.deny) == 0 with input as inp([trail(mgmt, adv)])
}

test_write_only_selector_fails if {
	sel := [{"read_write_type": "WriteOnly", "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]
	count(log_03.deny) == 1 with input as inp([trail(sel, [])])
}

test_no_trail_in_configuration_does_not_apply if {
	count(log_03.applies) == 0 with input as inp([])
}
