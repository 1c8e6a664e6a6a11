package rampart.aws.iam.pub_03_test

import data.rampart.aws.iam.pub_03

inp(st, class) := {"resources_by_type": {"aws_s3_bucket": [{"uid": "b", "attributes": {"policy": {"Statement": [st]}}, "derived": {"classification": class}}]}}

test_public_read_fails if {
	count(pub_03.deny) == 1 with input as inp({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"], "Resource": ["*"]}, "public")
}

test_org_restricted_passes if {
	count(pub_03.deny) == 0 with input as inp({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"], "Resource": ["*"], "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}}}, "public")
}

test_foreign_account_on_ferpa_bucket_fails_when_accounts_are_known if {
	st := {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::999988887777:root"]}, "Action": ["s3:GetObject"], "Resource": ["*"]}
	count(pub_03.deny) == 1 with input as inp(st, "ferpa") with data.rampart.config.trusted_accounts as ["111122223333"]
	count(pub_03.deny) == 0 with input as inp(st, "ferpa")
}

test_every_type_with_a_resource_policy_is_judged if {
	st := {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["*"], "Resource": ["*"]}
	every t in pub_03.policy_types {
		count(pub_03.deny) == 1 with input as {"resources_by_type": {t: [{"uid": "r", "attributes": {"policy": {"Statement": [st]}}, "derived": {}}]}}
	}
}

test_a_service_principal_is_not_everyone if {
	st := {"Effect": "Allow", "Principal": {"Service": ["s3.amazonaws.com"]}, "Action": ["lambda:InvokeFunction"]}
	count(pub_03.deny) == 0 with input as inp(st, "public")
}
