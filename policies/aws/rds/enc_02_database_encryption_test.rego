package rampart.aws.rds.enc_02_test

import data.rampart.aws.rds.enc_02

db(enc, key, class) := {"uid": "d", "attributes": {"storage_encrypted": enc, "kms_key_id": key}, "derived": {"classification": class}}

inp(d) := {"resources_by_type": {"aws_db_instance": [d]}}

test_unencrypted_fails if {
	count(enc_02.deny) == 1 with input as inp(db(false, null, "internal"))
}

test_ferpa_with_aws_key_fails if {
	count(enc_02.deny) == 1 with input as inp(db(true, null, "ferpa"))
}

test_ferpa_with_cmk_passes if {
	count(enc_02.deny) == 0 with input as inp(db(true, {"__unknown__": "aws_kms_key.db.arn"}, "ferpa"))
}
