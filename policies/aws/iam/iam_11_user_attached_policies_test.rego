package rampart.aws.iam.iam_11_test

import data.rampart.aws.iam.iam_11

inp(policies) := {"resources_by_type": {"aws_iam_user": [{"uid": "u", "attributes": {"policies": policies}}]}}

test_user_with_group_access_only_passes if {
	count(iam_11.deny) == 0 with input as inp([])
}

test_attached_and_inline_policies_fail if {
	count(iam_11.deny) == 2 with input as inp([{"name": "ReadOnlyAccess", "kind": "aws_managed"}, {"name": "notes", "kind": "inline"}])
}
