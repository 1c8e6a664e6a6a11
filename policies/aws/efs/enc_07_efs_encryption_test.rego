package rampart.aws.efs.enc_07_test

import data.rampart.aws.efs.enc_07

fs(attrs, class) := {"uid": "fs", "type": "aws_efs_file_system", "attributes": attrs, "derived": {"classification": class}}

inp(f) := {"resources_by_type": {"aws_efs_file_system": [f]}}

test_unencrypted_fails_and_says_when_it_is_the_default if {
	count(enc_07.deny) == 1 with input as inp(fs({"encrypted": false}, "internal"))
	some f in enc_07.deny with input as inp(fs({}, "internal"))
	contains(f.msg, "AWS's default")
}

test_encrypted_passes_and_ferpa_needs_a_customer_key if {
	count(enc_07.deny) == 0 with input as inp(fs({"encrypted": true}, "internal"))
	count(enc_07.deny) == 1 with input as inp(fs({"encrypted": true}, "ferpa"))
	count(enc_07.deny) == 0 with input as inp(fs({"encrypted": true, "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/k"}, "ferpa"))
}

test_unknown_is_not_judged_here if {
	count(enc_07.deny) == 0 with input as inp(fs({"encrypted": {"__unknown__": "var.encrypted"}}, "internal"))
}
