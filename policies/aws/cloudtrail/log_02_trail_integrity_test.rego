package rampart.aws.cloudtrail.log_02_test

import data.rampart.aws.cloudtrail.log_02

inp(v, k) := {"resources_by_type": {"aws_cloudtrail": [{"uid": "t", "attributes": {"log_file_validation_enabled": v, "kms_key_id": k}}]}}

test_both_missing_fail if {
	count(log_02.deny) == 2 with input as inp(false, null)
}

test_validated_and_encrypted_passes if {
	count(log_02.deny) == 0 with input as inp(true, {"__unknown__": "aws_kms_key.logs.arn"})
}
