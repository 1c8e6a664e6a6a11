package rampart.aws.iam.iam_10_test

import data.rampart.aws.iam.iam_10

store(classification, wildcard) := {"uid": "b", "derived": {"classification": classification, "wildcard_access": wildcard}}

inp(s) := {"resources_by_type": {"aws_s3_bucket": [s]}, "resources_by_uid": {"b": s}}

grant := {"principal": "aws_iam_role.ci", "access": ["read", "write"], "via": ["p statement 0"]}

test_wildcard_grant_fails_once_per_principal if {
	d := iam_10.deny with input as inp(store("ferpa", [grant]))
	count(d) == 1
	some f in d
	contains(f.msg, "can read and write this store's data")
}

test_no_wildcard_grant_passes if {
	count(iam_10.deny) == 0 with input as inp(store("ferpa", []))
}

test_other_data_is_out_of_scope if {
	count(iam_10.applies) == 0 with input as inp(store("internal", [grant]))
}
