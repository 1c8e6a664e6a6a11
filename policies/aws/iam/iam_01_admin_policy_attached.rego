# METADATA
# title: No principal holds administrative permissions
# description: >-
#   No role, user or group can perform every action on every resource (AdministratorAccess, "*"
#   on "*", or everything-but-a-few through NotAction), nor grant itself any permission (attach or
#   put a policy on itself, or rewrite a managed policy version) unconditionally. Computed from
#   the effective permissions: the principal's own and its groups' policies, its permission
#   boundary, and explicit denies. Break-glass roles are documented with a waiver (owner, reason,
#   expiry) rather than exempted silently.
# custom:
#   id: IAM-01
#   severity: critical
#   resource_types: [aws_iam_role, aws_iam_user, aws_iam_group]
#   reads: [policies, policies.*.document]
#   remediation: Replace the policy with one that grants the actions and resources the principal needs; keep administrator access to a waived break-glass role that requires MFA.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["1.16"]
#     nist_800_53: [AC-6, AC-6(5), AC-2]
#   equivalents:
#     checkov: [CKV_AWS_62, CKV_AWS_1, CKV_AWS_274, CKV_AWS_275]
#     prowler: [iam_aws_attached_policy_no_administrative_privileges, iam_customer_attached_policy_no_administrative_privileges, iam_inline_policy_no_administrative_privileges, iam_role_administratoraccess_policy, iam_user_administrator_access_policy, iam_group_administrator_access_policy]
package rampart.aws.iam.iam_01

import data.rampart.lib

principals := array.concat(array.concat(lib.resources("aws_iam_role"), lib.resources("aws_iam_user")), lib.resources("aws_iam_group"))

deny contains lib.finding(p, admin_path(p), msg) if {
	some p in principals
	p.derived.iam.admin == "full"
	msg := sprintf("has administrator access: every action on every resource (%s)", [p.derived.iam.admin_via])
}

deny contains lib.finding(p, admin_path(p), msg) if {
	some p in principals
	p.derived.iam.admin == "equivalent"
	msg := sprintf("is administrator-equivalent: it %s", [p.derived.iam.admin_via])
}

# The policy that grants it, when it is the principal's own (not a group's).
admin_path(p) := object.get(p.derived.iam, "admin_path", "policies") if object.get(p.derived.iam, "admin_path", null) != null

admin_path(p) := "policies" if object.get(p.derived.iam, "admin_path", null) == null

error contains lib.finding(p, sprintf("policies.%d", [i]), sprintf("policy not assessed: %s", [lib.text(pol.document)])) if {
	some p in principals
	some i, pol in p.attributes.policies
	lib.is_unknown(pol.document)
}
