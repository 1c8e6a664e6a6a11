package rampart.aws.iam.iam_09_test

import data.rampart.aws.iam.iam_09

inp(path) := {"resources_by_type": {"aws_iam_user": [{"uid": "u", "derived": {"iam": {"admin": null, "escalation": path}}}]}}

test_path_fails_with_every_step if {
	path := [
		{"from": "u", "to": "r1", "method": "sts:AssumeRole", "via": "p"},
		{"from": "r1", "to": "r2", "method": "iam:PassRole + ec2:RunInstances", "via": "q"},
	]
	some f in iam_09.deny with input as inp(path)
	contains(f.msg, "2 step(s)")
	contains(f.msg, "iam:PassRole")
}

test_no_path_passes if {
	count(iam_09.deny) == 0 with input as inp(null)
	count(iam_09.deny) == 0 with input as inp([])
}

test_conditional_path_names_its_conditions if {
	path := [{"from": "u", "to": "u", "method": "granting itself any permission: AttachUserPolicy", "via": "p", "conditions": ["Bool aws:MultiFactorAuthPresent [\"true\"]"]}]
	some f in iam_09.deny with input as inp(path)
	contains(f.msg, "under conditions, in 1 step(s)")
	contains(f.msg, "only when Bool aws:MultiFactorAuthPresent")
}
