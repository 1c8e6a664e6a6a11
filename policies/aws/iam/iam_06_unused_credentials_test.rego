package rampart.aws.iam.iam_06_test

import data.rampart.aws.iam.iam_06

user(attrs, ages) := {"uid": "u", "attributes": object.union({"root": false, "password_enabled": false, "access_keys": []}, attrs), "derived": {"age_days": ages}}

inp(r) := {"resources_by_type": {"aws_iam_user_credentials": [r]}, "resources_by_uid": {r.uid: r}}

test_recently_used_password_passes if {
	count(iam_06.deny) == 0 with input as inp(user({"password_enabled": true}, {"password_last_used": 3, "password_last_changed": 300}))
}

test_idle_password_fails if {
	count(iam_06.deny) == 1 with input as inp(user({"password_enabled": true}, {"password_last_used": 46}))
}

test_never_used_old_key_fails if {
	count(iam_06.deny) == 1 with input as inp(user({"access_keys": [{"number": 1, "active": true}]}, {"access_keys.0.last_rotated": 60}))
}

test_never_used_new_key_passes if {
	count(iam_06.deny) == 0 with input as inp(user({"access_keys": [{"number": 1, "active": true}]}, {"access_keys.0.last_rotated": 2}))
}

test_user_without_credentials_is_out_of_scope if {
	count(iam_06.applies) == 0 with input as inp(user({}, {}))
}
