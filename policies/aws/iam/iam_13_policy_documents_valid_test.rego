package rampart.aws.iam.iam_13_test

import data.rampart.aws.iam.iam_13

inp(issues) := {"resources_by_type": {"aws_iam_policy": [{"uid": "p", "derived": {"policy_issues": issues}}]}}

test_typo_fails if {
	count(iam_13.deny) == 1 with input as inp([{"policy": "p", "kind": "unknown_action", "statement": 0, "detail": "s3:GetObjet matches no action of s3"}])
}

test_broad_write_is_another_rule if {
	count(iam_13.deny) == 0 with input as inp([{"policy": "p", "kind": "broad_write", "statement": 0, "detail": {}}])
}
