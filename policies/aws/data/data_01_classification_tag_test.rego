package rampart.aws.data.data_01_test

import data.rampart.aws.data.data_01

inp(derived) := {"resources_by_type": {"aws_s3_bucket": [{"uid": "b", "derived": object.union({"data_store": true, "classification_valid": true}, derived)}]}}

test_untagged_fails if {
	count(data_01.deny) == 1 with input as inp({"classification": "ferpa", "classification_source": "default"})
}

test_invalid_value_fails if {
	count(data_01.deny) == 1 with input as inp({"classification": "secret", "classification_source": "tag", "classification_valid": false})
}

test_tagged_passes if {
	count(data_01.deny) == 0 with input as inp({"classification": "public", "classification_source": "tag"})
}
