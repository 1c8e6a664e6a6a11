package rampart.aws.iam.iam_07_test

import data.rampart.aws.iam.iam_07

inp(attrs) := {"resources_by_type": {"aws_iam_account_password_policy": [{"uid": "p", "attributes": attrs}]}}

test_strong_policy_passes if {
	count(iam_07.deny) == 0 with input as inp({"minimum_password_length": 14, "password_reuse_prevention": 24})
}

test_short_passwords_fail if {
	count(iam_07.deny) == 1 with input as inp({"minimum_password_length": 8, "password_reuse_prevention": 24})
}

test_missing_reuse_prevention_fails if {
	count(iam_07.deny) == 1 with input as inp({"minimum_password_length": 16, "password_reuse_prevention": null})
}
