package rampart.aws.iam.iam_10_test

import data.rampart.aws.iam.iam_10

store(access) := {"uid": "b", "derived": {"classification": "ferpa", "access": access}}

inp(s) := {"resources_by_type": {"aws_s3_bucket": [s]}, "resources_by_uid": {"b": s}}

entry(wildcard, conditional) := {"principal": "aws_iam_role.ci", "access": "read", "actions": ["s3:GetObject"], "via": "p statement 0", "wildcard": wildcard, "conditional": conditional}

test_wildcard_grant_fails if {
	count(iam_10.deny) == 1 with input as inp(store([entry(true, false)]))
}

test_read_and_write_by_one_principal_is_one_finding if {
	w := object.union(entry(true, false), {"access": "write"})
	count(iam_10.deny) == 1 with input as inp(store([entry(true, false), w]))
}

test_named_or_conditional_grants_pass if {
	count(iam_10.deny) == 0 with input as inp(store([entry(false, false), entry(true, true)]))
}
