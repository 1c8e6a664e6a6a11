# METADATA
# title: The account password policy asks for 14 characters and remembers 24 passwords
# description: >-
#   When IAM users sign in with passwords, the account password policy is their only password rule:
#   a minimum length of at least 14 and reuse prevention of 24 previous passwords (CIS 1.8, 1.9).
#   Prefer sign-in through IAM Identity Center, where this policy does not apply.
# custom:
#   id: IAM-07
#   severity: medium
#   resource_types: [aws_iam_account_password_policy]
#   reads: [minimum_password_length, password_reuse_prevention]
#   remediation: Set minimum_password_length = 14 (or more) and password_reuse_prevention = 24.
#   controls:
#     ferpa: ["99.31(c)"]
#     cis_aws: ["1.8", "1.9"]
#     nist_800_53: ["IA-5(1)"]
#   equivalents:
#     checkov: [CKV_AWS_10, CKV_AWS_13]
#     prowler: [iam_password_policy_minimum_length_14, iam_password_policy_reuse_24]
package rampart.aws.iam.iam_07

import data.rampart.lib

deny contains lib.finding(r, "minimum_password_length", sprintf("the minimum password length is %v, below 14", [n])) if {
	some r in lib.resources("aws_iam_account_password_policy")
	n := r.attributes.minimum_password_length
	is_number(n)
	n < 14
}

deny contains lib.finding(r, "password_reuse_prevention", "previous passwords may be reused (password_reuse_prevention is not set)") if {
	some r in lib.resources("aws_iam_account_password_policy")
	r.attributes.password_reuse_prevention == null
}

deny contains lib.finding(r, "password_reuse_prevention", sprintf("only the last %v passwords are remembered, below 24", [n])) if {
	some r in lib.resources("aws_iam_account_password_policy")
	n := r.attributes.password_reuse_prevention
	is_number(n)
	n < 24
}
