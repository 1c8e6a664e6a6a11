package rampart.aws.iam.iam_04_test

import data.rampart.aws.iam.iam_04

root(attrs, ages) := r if {
	r := {"uid": "root", "attributes": object.union({"root": true, "mfa_active": true, "access_keys": [{"number": 1, "active": false}, {"number": 2, "active": false}]}, attrs), "derived": {"age_days": ages}}
}

inp(r) := {"resources_by_type": {"aws_iam_user_credentials": [r]}, "resources_by_uid": {r.uid: r}}

test_quiet_root_with_mfa_passes if {
	count(iam_04.deny) == 0 with input as inp(root({}, {"password_last_used": 200}))
}

test_root_key_fails if {
	count(iam_04.deny) == 1 with input as inp(root({"access_keys": [{"number": 1, "active": true}, {"number": 2, "active": false}]}, {}))
}

test_root_without_mfa_and_used_yesterday_fails_twice if {
	count(iam_04.deny) == 2 with input as inp(root({"mfa_active": false}, {"password_last_used": 1}))
}

test_users_are_out_of_scope if {
	count(iam_04.applies) == 0 with input as inp({"uid": "u", "attributes": {"root": false}})
}

test_root_with_virtual_mfa_fails if {
	some f in iam_04.deny with input as inp(root({"mfa_virtual": true}, {"password_last_used": 200}))
	f.path == "mfa_virtual"
}

test_root_with_hardware_mfa_passes if {
	count(iam_04.deny) == 0 with input as inp(root({"mfa_virtual": false}, {"password_last_used": 200}))
}
