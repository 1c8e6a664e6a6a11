package rampart.aws.kms.enc_05_test

import data.rampart.aws.kms.enc_05

k(spec, rot) := {"uid": "k", "attributes": {"key_spec": spec, "enabled": true, "key_rotation_enabled": rot}}

inp(x) := {"resources_by_type": {"aws_kms_key": [x]}, "resources_by_uid": {"k": x}}

test_no_rotation_fails if {
	count(enc_05.deny) == 1 with input as inp(k("SYMMETRIC_DEFAULT", false))
}

test_rotation_passes if {
	count(enc_05.deny) == 0 with input as inp(k("SYMMETRIC_DEFAULT", true))
}

test_asymmetric_keys_not_in_scope if {
	count(enc_05.applies) == 0 with input as inp(k("RSA_2048", false))
}
