# METADATA
# title: Resource policies grant nothing to everyone, and FERPA resources nothing outside the trusted accounts
# description: >-
#   Bucket and key policies contain no Allow for Principal "*" unless a condition restricts the
#   caller to the organization, an account, a VPC endpoint or a source ARN. Policies of resources
#   holding FERPA data grant nothing to accounts outside the configured trusted accounts
#   (redisclosure, 99.33(a)).
# custom:
#   id: PUB-03
#   severity: critical
#   resource_types: [aws_s3_bucket, aws_kms_key]
#   reads: [policy]
#   remediation: Name the principals exactly, or add a condition on aws:PrincipalOrgID, aws:SourceVpce or aws:SourceAccount; grant other accounts access only through roles with an external id.
#   controls:
#     ferpa: ["99.33(a)", "99.31(a)(1)(ii)"]
#     nist_800_53: [AC-3, AC-4, AC-21]
package rampart.aws.iam.pub_03

import data.rampart.lib

default trusted_accounts := []

trusted_accounts := data.rampart.config.trusted_accounts

restricting := {"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceowner"}

resources := array.concat(lib.resources("aws_s3_bucket"), lib.resources("aws_kms_key"))

open_to_everyone(st) if {
	st.Effect == "Allow"
	"*" in lib.principal_values(st)
	count(lib.condition_keys(st) & restricting) == 0
}

open_to_everyone(st) if {
	st.Effect == "Allow"
	st.NotPrincipal
}

account_of(p) := acct if {
	is_string(p)
	parts := regex.find_all_string_submatch_n(`^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::.*)?$`, p, 1)
	count(parts) == 1
	acct := parts[0][1]
}

deny contains lib.finding(r, "policy", "policy allows access to everyone (Principal \"*\") without a restricting condition") if {
	some r in resources
	some st in lib.statements(r.attributes.policy)
	open_to_everyone(st)
}

deny contains lib.finding(r, "policy", sprintf("policy of a FERPA resource grants access to account %s, outside the trusted accounts", [acct])) if {
	count(trusted_accounts) > 0
	some r in resources
	lib.is_ferpa(r)
	some st in lib.statements(r.attributes.policy)
	st.Effect == "Allow"
	some p in lib.principal_values(st)
	acct := account_of(p)
	not acct in trusted_accounts
}

error contains lib.finding(r, "policy", "resource policy is known only after apply") if {
	some r in resources
	lib.is_unknown(r.attributes.policy)
}
