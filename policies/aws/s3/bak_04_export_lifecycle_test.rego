package rampart.aws.s3.bak_04_test

import data.rampart.aws.s3.bak_04

b(rules) := {"uid": "b", "tags": {"purpose": "study"}, "attributes": {"lifecycle_rules": rules}, "derived": {"classification": "ferpa"}}

inp(bucket) := {"resources_by_type": {"aws_s3_bucket": [bucket]}, "resources_by_uid": {"b": bucket}}

test_export_without_expiry_fails if {
	count(bak_04.deny) == 1 with input as inp(b([]))
}

test_export_with_expiry_passes if {
	count(bak_04.deny) == 0 with input as inp(b([{"enabled": true, "expiration_days": 365, "noncurrent_expiration_days": null}]))
}

test_disabled_rule_does_not_count if {
	count(bak_04.deny) == 1 with input as inp(b([{"enabled": false, "expiration_days": 30, "noncurrent_expiration_days": null}]))
}
