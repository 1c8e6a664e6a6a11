package rampart.aws.iam.iam_02_test

import data.rampart.aws.iam.iam_02

pol(st) := {"resources_by_type": {"aws_iam_policy": [{"uid": "p", "attributes": {"document": {"Statement": [st]}}}]}}

test_service_wildcard_fails if {
	count(iam_02.deny) == 1 with input as pol({"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]})
}

test_conditioned_wildcard_passes if {
	count(iam_02.deny) == 0 with input as pol({"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"], "Condition": {"StringEquals": {"aws:ResourceTag/team": ["a"]}}})
}

test_partial_wildcard_is_not_service_wide if {
	count(iam_02.deny) == 0 with input as pol({"Effect": "Allow", "Action": ["s3:Get*"], "Resource": ["*"]})
}

test_inline_policy_on_role_fails if {
	r := {"uid": "r", "attributes": {"policies": [{"name": "x", "kind": "inline", "document": {"Statement": [{"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": ["*"]}]}}]}}
	count(iam_02.deny) == 1 with input as {"resources_by_type": {"aws_iam_role": [r]}}
}
