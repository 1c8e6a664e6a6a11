package rampart.aws.dynamodb.enc_03_test

import data.rampart.aws.dynamodb.enc_03

t(sse, class) := {"uid": "t", "attributes": {"server_side_encryption": sse}, "derived": {"classification": class}}

inp(x) := {"resources_by_type": {"aws_dynamodb_table": [x]}, "resources_by_uid": {"t": x}}

test_owned_key_fails if {
	count(enc_03.deny) == 1 with input as inp(t({"sse_type": "AWS_OWNED", "kms_key_arn": null}, "ferpa"))
}

test_aws_managed_key_fails if {
	count(enc_03.deny) == 1 with input as inp(t({"sse_type": "KMS", "kms_key_arn": null}, "ferpa"))
}

test_cmk_passes if {
	count(enc_03.deny) == 0 with input as inp(t({"sse_type": "KMS", "kms_key_arn": "arn:aws:kms:us-east-1:111122223333:key/abc"}, "ferpa"))
}

test_internal_table_not_in_scope if {
	count(enc_03.applies) == 0 with input as inp(t({"sse_type": "AWS_OWNED"}, "internal"))
}
