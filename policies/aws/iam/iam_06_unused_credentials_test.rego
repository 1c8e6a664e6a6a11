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

role(attrs, ages) := {"uid": "r", "type": "aws_iam_role", "attributes": attrs, "derived": {"age_days": ages}}

roles(r) := {"resources_by_type": {"aws_iam_role": [r]}, "resources_by_uid": {r.uid: r}}

test_live_role_unused_for_months_fails if {
	count(iam_06.deny) == 1 with input as roles(role({"last_used": "2026-01-01", "created": "2025-01-01"}, {"last_used": 300, "created": 600}))
}

test_live_role_never_used_but_new_passes if {
	count(iam_06.deny) == 0 with input as roles(role({"last_used": null, "created": "2026-11-20"}, {"created": 7}))
}

test_terraform_role_is_out_of_scope if {
	count(iam_06.applies) == 0 with input as roles(role({"name": "app"}, {}))
}

test_unused_service_grant_fails_and_names_what_to_keep if {
	svcs := [{"service": "s3", "name": "Amazon S3"}, {"service": "iam", "name": "AWS Identity and Access Management"}]
	d := iam_06.deny with input as roles(role({"services_last_accessed": svcs, "created": "2024-01-01"}, {"created": 700, "services_last_accessed.0.last_accessed": 2}))
	count(d) == 1
	some f in d
	f.key == "service:iam"
	contains(f.msg, "would keep s3")
}
