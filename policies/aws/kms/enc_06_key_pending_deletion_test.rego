package rampart.aws.kms.enc_06_test

import data.rampart.aws.kms.enc_06

key(attrs, derived) := {"uid": "k", "type": "aws_kms_key", "attributes": attrs, "derived": derived}

inp(k) := {"resources_by_type": {"aws_kms_key": [k]}, "resources_by_uid": {"k": k}}

test_a_key_pending_deletion_fails if {
	count(enc_06.deny) == 1 with input as inp(key({"key_state": "PendingDeletion"}, {"customer_managed": true}))
}

test_an_enabled_key_passes if {
	count(enc_06.deny) == 0 with input as inp(key({"key_state": "Enabled"}, {"customer_managed": true}))
}

test_aws_managed_keys_and_keys_without_a_read_state_are_not_judged if {
	count(enc_06.applies) == 0 with input as inp(key({"key_state": "PendingDeletion"}, {"customer_managed": false}))
	count(enc_06.applies) == 0 with input as inp(key({"enable_key_rotation": true}, {"customer_managed": true}))
}

test_unknown_is_not_judged_here if {
	count(enc_06.deny) == 0 with input as inp(key({"key_state": {"__unknown__": "not read: kms:DescribeKey denied"}}, {"customer_managed": true}))
}
