package rampart.aws.iam.iam_08_test

import data.rampart.aws.iam.iam_08

inp(st) := {"resources_by_type": {"aws_iam_role": [{"uid": "r", "attributes": {"assume_role_policy": {"Statement": [st]}}}]}}

test_everyone_fails if {
	count(iam_08.deny) == 1 with input as inp({"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["*"]}})
}

test_everyone_in_org_passes if {
	count(iam_08.deny) == 0 with input as inp({"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["*"]}, "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}}})
}

test_vendor_account_without_external_id_fails if {
	count(iam_08.deny) == 1 with input as inp({"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["arn:aws:iam::444455556666:root"]}})
	count(iam_08.deny) == 0 with input as inp({"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["arn:aws:iam::444455556666:root"]}, "Condition": {"StringEquals": {"sts:ExternalId": ["x"]}}})
}

test_trusted_account_passes if {
	count(iam_08.deny) == 0 with input as inp({"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["444455556666"]}}) with data.rampart.config.trusted_accounts as ["444455556666"]
}

test_github_oidc_without_sub_fails if {
	st := {"Effect": "Allow", "Action": ["sts:AssumeRoleWithWebIdentity"], "Principal": {"Federated": ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]}, "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"]}}}
	count(iam_08.deny) == 1 with input as inp(st)
}

test_own_account_is_not_cross_account if {
	r := {"uid": "r", "account": "111122223333", "attributes": {"assume_role_policy": {"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}}]}}}
	count(iam_08.deny) == 0 with input as {"resources_by_type": {"aws_iam_role": [r]}}
}

test_role_declared_elsewhere_is_not_judged if {
	count(iam_08.applies) == 0 with input as {"resources_by_type": {"aws_iam_role": [{"uid": "r", "attributes": {"external": true, "assume_role_policy": {"__unknown__": "the trust policy of role x, which this configuration does not declare"}}}]}}
	count(iam_08.error) == 0 with input as {"resources_by_type": {"aws_iam_role": [{"uid": "r", "attributes": {"external": true, "assume_role_policy": {"__unknown__": "the trust policy of role x, which this configuration does not declare"}}}]}}
}
