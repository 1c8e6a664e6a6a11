package rampart.aws.iam.iam_03_test

import data.rampart.aws.iam.iam_03

inp(attrs) := {
	"resources_by_type": {"aws_iam_user_credentials": [{"uid": "u", "attributes": attrs}]},
	"resources_by_uid": {"u": {"uid": "u", "attributes": attrs}},
}

test_console_user_without_mfa_fails if {
	count(iam_03.deny) == 1 with input as inp({"root": false, "password_enabled": true, "mfa_active": false})
}

test_console_user_with_mfa_passes if {
	count(iam_03.deny) == 0 with input as inp({"root": false, "password_enabled": true, "mfa_active": true})
}

test_key_only_user_is_out_of_scope if {
	count(iam_03.applies) == 0 with input as inp({"root": false, "password_enabled": false, "mfa_active": false})
}
