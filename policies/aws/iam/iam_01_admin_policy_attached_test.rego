package rampart.aws.iam.iam_01_test

import data.rampart.aws.iam.iam_01

role(iam, policies) := {"uid": "r", "attributes": {"policies": policies}, "derived": {"iam": iam}}

inp(r) := {"resources_by_type": {"aws_iam_role": [r]}}

test_full_admin_fails if {
	count(iam_01.deny) == 1 with input as inp(role({"admin": "full", "admin_via": "AdministratorAccess"}, []))
}

test_admin_equivalent_fails if {
	count(iam_01.deny) == 1 with input as inp(role({"admin": "equivalent", "admin_via": "iam:AttachRolePolicy"}, []))
}

test_scoped_principal_passes if {
	count(iam_01.deny) == 0 with input as inp(role({"admin": null, "admin_via": null}, []))
}

test_undeclared_policy_is_error if {
	count(iam_01.error) == 1 with input as inp(role({"admin": null}, [{"name": "x", "kind": "managed", "arn": "arn:x", "document": {"__unknown__": "customer managed policy arn:x, which this configuration does not declare"}}]))
}
