package rampart.aws.iam.iam_01_test

import data.rampart.aws.iam.iam_01

role(doc, kind) := {"uid": "r", "attributes": {"policies": [{"name": "p", "kind": kind, "arn": "arn:x", "document": doc}]}}

inp(r) := {"resources_by_type": {"aws_iam_role": [r]}}

test_admin_fails if {
	count(iam_01.deny) == 1 with input as inp(role({"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]}, "aws_managed"))
}

test_not_action_fails if {
	count(iam_01.deny) == 1 with input as inp(role({"Statement": [{"Effect": "Allow", "NotAction": ["iam:*"], "Resource": ["*"]}]}, "inline"))
}

test_scoped_policy_passes if {
	count(iam_01.deny) == 0 with input as inp(role({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}]}, "inline"))
}

test_undeclared_policy_is_error if {
	count(iam_01.error) == 1 with input as inp(role(null, "managed"))
}
