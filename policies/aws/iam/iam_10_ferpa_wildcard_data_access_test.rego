package rampart.aws.iam.iam_10_test

import data.rampart.aws.iam.iam_10

store(classification, wildcard) := {"uid": "b", "derived": {"classification": classification, "wildcard_access": wildcard}}

inp(s) := {"resources_by_type": {"aws_s3_bucket": [s]}, "resources_by_uid": {"b": s}}

grant(name) := {"principal": name, "access": ["read", "write"], "via": [sprintf("%s statement 0", [name])]}

test_wildcard_grant_fails_once_per_store if {
	d := iam_10.deny with input as inp(store("ferpa", [grant("aws_iam_role.ci")]))
	count(d) == 1
	some f in d
	startswith(f.msg, "1 principal can reach this store's data")
	contains(f.msg, "aws_iam_role.ci (read and write, through aws_iam_role.ci statement 0)")
	f.details.principals == [grant("aws_iam_role.ci")]
}

test_many_principals_are_one_result_naming_five if {
	grants := [grant(sprintf("aws_iam_role.r%02d", [i])) | some i in numbers.range(1, 12)]
	d := iam_10.deny with input as inp(store("ferpa", grants))
	count(d) == 1
	some f in d
	startswith(f.msg, "12 principals can reach")
	contains(f.msg, "aws_iam_role.r05 ")
	not contains(f.msg, "aws_iam_role.r06 ")
	endswith(f.msg, "and 7 more (all are listed in the result's details)")
	count(f.details.principals) == 12
}

test_no_wildcard_grant_passes if {
	count(iam_10.deny) == 0 with input as inp(store("ferpa", []))
}

test_other_data_is_out_of_scope if {
	count(iam_10.applies) == 0 with input as inp(store("internal", [grant("aws_iam_role.ci")]))
}
