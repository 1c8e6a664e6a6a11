package rampart.aws.s3.pub_02_test

import data.rampart.aws.s3.pub_02

pab := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

bucket(extra, class) := {"uid": "b", "attributes": object.union({"public_access_block": pab, "acl": {"canned": "private", "grants": []}, "ownership_controls": {"object_ownership": "BucketOwnerEnforced"}}, extra), "derived": {"classification": class}}

inp(b) := {"resources_by_type": {"aws_s3_bucket": [b]}}

test_defaults_pass if {
	count(pub_02.deny) == 0 with input as inp(bucket({}, "ferpa"))
}

test_disabled_block_fails if {
	count(pub_02.deny) == 1 with input as inp(bucket({"public_access_block": object.union(pab, {"block_public_policy": false})}, "public"))
}

test_public_read_acl_fails if {
	count(pub_02.deny) == 1 with input as inp(bucket({"acl": {"canned": "public-read", "grants": []}}, "public"))
}

test_ferpa_bucket_with_acls_enabled_fails if {
	count(pub_02.deny) == 1 with input as inp(bucket({"ownership_controls": {"object_ownership": "ObjectWriter"}}, "ferpa"))
	count(pub_02.deny) == 0 with input as inp(bucket({"ownership_controls": {"object_ownership": "ObjectWriter"}}, "internal"))
}
