# METADATA
# title: Role trust policies admit no one they should not
# description: >-
#   A role's trust policy does not let everyone (Principal "*") assume it unless a condition pins
#   the caller's organization or account; trust in an account outside the configured trusted
#   accounts requires sts:ExternalId or aws:PrincipalOrgID (confused deputy, vendor access under
#   direct control, 99.31(a)(1)(i)(B)); and trust in GitHub Actions OIDC pins the repository with
#   a condition on token.actions.githubusercontent.com:sub.
# custom:
#   id: IAM-08
#   severity: high
#   resource_types: [aws_iam_role]
#   reads: [assume_role_policy]
#   remediation: Name the principals exactly and add a condition on sts:ExternalId or aws:PrincipalOrgID for other accounts, and on token.actions.githubusercontent.com:sub for GitHub OIDC.
#   controls:
#     ferpa: ["99.33(a)", "99.31(a)(1)(i)(B)"]
#     nist_800_53: [AC-3, AC-20, AC-4]
#   equivalents:
#     checkov: [CKV_AWS_60, CKV_AWS_61, CKV_AWS_393]
#     prowler: [iam_role_cross_service_confused_deputy_prevention, iam_no_custom_policy_permissive_role_assumption]
package rampart.aws.iam.iam_08

import data.rampart.lib

default trusted_accounts := []

trusted_accounts := data.rampart.config.trusted_accounts

org_conditions := {"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount", "aws:sourcearn"}

assume(st) if {
	st.Effect == "Allow"
	some a in object.get(st, "Action", ["sts:AssumeRole"])
	assume_action(lower(a))
}

# sts:AssumeRole, sts:AssumeRoleWithWebIdentity/SAML, or a wildcard covering them. String tests
# rather than a regular expression: this runs for every statement of every role.
assume_action(a) if startswith(a, "sts:assumerole")

assume_action(a) if a in {"sts:*", "*"}

aws_principals(st) := {v | some v in object.get(object.get(st, "Principal", {}), "AWS", [])}

# A 12-digit account in an IAM ARN or given alone.
account_of(p) := p if {
	is_string(p)
	twelve_digits(p)
}

account_of(p) := acct if {
	is_string(p)
	parts := split(p, ":")
	count(parts) >= 5
	startswith(parts[0], "arn")
	parts[2] == "iam"
	acct := parts[4]
	twelve_digits(acct)
}

twelve_digits(s) if {
	count(s) == 12
	count(trim(s, "0123456789")) == 0
}

deny contains lib.finding(r, "assume_role_policy", "anyone (Principal \"*\") can assume this role without an organization or account condition") if {
	some r in lib.resources("aws_iam_role")
	some st in lib.statements(r.attributes.assume_role_policy)
	assume(st)
	"*" in aws_principals(st)
	count(lib.condition_keys(st) & org_conditions) == 0
}

deny contains lib.finding(r, "assume_role_policy", sprintf("account %s can assume this role without sts:ExternalId or aws:PrincipalOrgID", [acct])) if {
	some r in lib.resources("aws_iam_role")
	some st in lib.statements(r.attributes.assume_role_policy)
	assume(st)
	some p in aws_principals(st)
	acct := account_of(p)
	not acct in trusted_accounts
	acct != object.get(r, "account", "")
	count(lib.condition_keys(st) & {"sts:externalid", "aws:principalorgid"}) == 0
}

deny contains lib.finding(r, "assume_role_policy", "GitHub Actions OIDC trust does not restrict token.actions.githubusercontent.com:sub to a repository") if {
	some r in lib.resources("aws_iam_role")
	some st in lib.statements(r.attributes.assume_role_policy)
	st.Effect == "Allow"
	some f in object.get(object.get(st, "Principal", {}), "Federated", [])
	contains(lib.text(f), "token.actions.githubusercontent.com")
	not "token.actions.githubusercontent.com:sub" in lib.condition_keys(st)
}

error contains lib.finding(r, "assume_role_policy", "trust policy is known only after apply") if {
	some uid in applies
	r := lib.resource(uid)
	lib.is_unknown(r.attributes.assume_role_policy)
}

# A role declared outside the input (a policy attached here to a role made elsewhere) has its
# trust policy there: this rule judges roles whose trust policy is in the input.
applies contains r.uid if {
	some r in lib.resources("aws_iam_role")
	not r.attributes.external
}
