# METADATA
# title: No principal holds administrative (*:*) permissions
# description: >-
#   No role, user or group has a policy (inline, customer managed or AWS managed, e.g.
#   AdministratorAccess) that allows every action on every resource, or allows everything but a
#   few actions through NotAction. Break-glass roles are documented with a waiver (owner, reason,
#   expiry) rather than exempted silently.
# custom:
#   id: IAM-01
#   severity: critical
#   resource_types: [aws_iam_role, aws_iam_user, aws_iam_group]
#   remediation: Replace the policy with one that grants the actions and resources the principal needs; keep administrator access to a waived break-glass role that requires MFA.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["1.16"]
#     nist_800_53: [AC-6, AC-6(5), AC-2]
package rampart.aws.iam.iam_01

import data.rampart.lib

principals := array.concat(array.concat(lib.resources("aws_iam_role"), lib.resources("aws_iam_user")), lib.resources("aws_iam_group"))

full_admin(st) if {
	st.Effect == "Allow"
	some a in st.Action
	a in {"*", "*:*"}
	"*" in st.Resource
}

near_admin(st) if {
	st.Effect == "Allow"
	st.NotAction
	"*" in st.Resource
}

deny contains lib.finding(p, sprintf("policies.%d", [i]), sprintf("policy %v allows every action on every resource", [pol.name])) if {
	some p in principals
	some i, pol in p.attributes.policies
	some st in lib.statements(pol.document)
	full_admin(st)
}

deny contains lib.finding(p, sprintf("policies.%d", [i]), sprintf("policy %v allows every action except %v on every resource (NotAction)", [pol.name, st.NotAction])) if {
	some p in principals
	some i, pol in p.attributes.policies
	some st in lib.statements(pol.document)
	near_admin(st)
}

error contains lib.finding(p, sprintf("policies.%d", [i]), sprintf("policy %v is not declared in this configuration and was not assessed", [pol.arn])) if {
	some p in principals
	some i, pol in p.attributes.policies
	pol.kind == "managed"
	pol.document == null
}

error contains lib.finding(p, sprintf("policies.%d", [i]), sprintf("policy %v is known only after apply", [pol.name])) if {
	some p in principals
	some i, pol in p.attributes.policies
	lib.is_unknown(pol.document)
}
