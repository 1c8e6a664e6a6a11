package rampart.aws.s3.bak_01_test

import data.rampart.aws.s3.bak_01

b(status, class) := {"uid": "b", "attributes": {"versioning": {"status": status}}, "derived": {"classification": class}}

inp(bucket) := {"resources_by_type": {"aws_s3_bucket": [bucket]}, "resources_by_uid": {"b": bucket}}

test_disabled_on_ferpa_fails if {
	count(bak_01.deny) == 1 with input as inp(b("Disabled", "ferpa"))
}

test_enabled_passes if {
	count(bak_01.deny) == 0 with input as inp(b("Enabled", "ferpa"))
}

test_public_bucket_not_in_scope if {
	count(bak_01.applies) == 0 with input as inp(b("Disabled", "public"))
}
