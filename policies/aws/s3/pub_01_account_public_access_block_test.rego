package rampart.aws.s3.pub_01_test

import data.rampart.aws.s3.pub_01

inp(a) := {"resources_by_type": {"aws_s3_account_public_access_block": [{"uid": "a", "attributes": a}]}}

all_on := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

test_all_on_passes if {
	count(pub_01.deny) == 0 with input as inp(all_on)
}

test_one_off_fails if {
	count(pub_01.deny) == 1 with input as inp(object.union(all_on, {"restrict_public_buckets": false}))
}
