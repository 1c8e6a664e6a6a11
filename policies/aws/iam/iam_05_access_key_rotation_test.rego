package rampart.aws.iam.iam_05_test

import data.rampart.aws.iam.iam_05

user(keys, ages) := {"uid": "u", "attributes": {"root": false, "access_keys": keys}, "derived": {"age_days": ages}}

inp(r) := {"resources_by_type": {"aws_iam_user_credentials": [r]}, "resources_by_uid": {r.uid: r}}

test_fresh_single_key_passes if {
	count(iam_05.deny) == 0 with input as inp(user([{"number": 1, "active": true}, {"number": 2, "active": false}], {"access_keys.0.last_rotated": 30}))
}

test_old_key_fails if {
	count(iam_05.deny) == 1 with input as inp(user([{"number": 1, "active": true}, {"number": 2, "active": false}], {"access_keys.0.last_rotated": 91}))
}

test_old_inactive_key_is_ignored if {
	count(iam_05.applies) == 0 with input as inp(user([{"number": 1, "active": false}, {"number": 2, "active": false}], {"access_keys.0.last_rotated": 400}))
}

test_two_active_keys_fail if {
	count(iam_05.deny) == 1 with input as inp(user([{"number": 1, "active": true}, {"number": 2, "active": true}], {"access_keys.0.last_rotated": 3, "access_keys.1.last_rotated": 1}))
}
