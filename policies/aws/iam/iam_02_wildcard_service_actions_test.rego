package rampart.aws.iam.iam_02_test

import data.rampart.aws.iam.iam_02

issue := {"policy": "p", "kind": "broad_write", "statement": 0, "detail": {"levels": {"Write": 48}, "examples": ["s3:PutObject"]}}

inp(t, issues) := {"resources_by_type": {t: [{"uid": "x", "type": t, "derived": {"policy_issues": issues}}]}}

test_broad_write_fails if {
	count(iam_02.deny) == 1 with input as inp("aws_iam_policy", [issue])
}

test_inline_policy_on_role_fails if {
	count(iam_02.deny) == 1 with input as inp("aws_iam_role", [issue])
}

test_other_issues_are_not_this_rule if {
	count(iam_02.deny) == 0 with input as inp("aws_iam_policy", [{"kind": "unknown_action", "policy": "p", "statement": 0, "detail": "x"}])
}
