# METADATA
# title: No principal can escalate to administrator
# description: >-
#   No principal that is not itself an administrator can become one, directly or through a chain
#   of steps: assuming roles (sts:AssumeRole, also after iam:UpdateAssumeRolePolicy), passing a
#   stronger role to a service that runs code (iam:PassRole with ec2:RunInstances,
#   lambda:CreateFunction, cloudformation:CreateStack, glue:CreateDevEndpoint, SageMaker,
#   CodeBuild, ECS), taking over a user (iam:CreateAccessKey, iam:CreateLoginProfile,
#   iam:UpdateLoginProfile), attaching or writing policies on principals it can become,
#   iam:AddUserToGroup, or lambda:UpdateFunctionCode on a function running as a stronger role.
#   PassRole counts only for roles that trust the service. Each path is listed step by step. A
#   path that holds only under conditions (MFA, source network, tags, or a resource known only
#   after apply) is reported with them when no unconditional path exists.
# custom:
#   id: IAM-09
#   severity: high
#   resource_types: [aws_iam_role, aws_iam_user]
#   reads: [policies, policies.*.document, derived.iam]
#   remediation: Remove the first step of the path, usually by scoping iam:PassRole and sts:AssumeRole to the roles the job needs, or by moving the IAM-writing permission to a break-glass role.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [AC-6, AC-6(10)]
#   equivalents:
#     checkov: [CKV_AWS_286, CKV_AWS_110, CKV2_AWS_56]
#     prowler: [iam_policy_allows_privilege_escalation, iam_inline_policy_allows_privilege_escalation]
package rampart.aws.iam.iam_09

import data.rampart.lib

step_text(s) := sprintf("%s → %s by %s (%s)", [s.from, s.to, s.method, s.via]) if count(object.get(s, "conditions", [])) == 0

step_text(s) := sprintf("%s → %s by %s (%s), only when %s", [s.from, s.to, s.method, s.via, concat(" and ", s.conditions)]) if count(object.get(s, "conditions", [])) > 0

conditional(path) if {
	some s in path
	count(object.get(s, "conditions", [])) > 0
}

kind(path) := "under conditions, " if conditional(path)

kind(path) := "" if not conditional(path)

deny contains {"uid": p.uid, "path": "policies", "key": path[0].to, "msg": msg} if {
	some t in ["aws_iam_role", "aws_iam_user"]
	some p in lib.resources(t)
	path := p.derived.iam.escalation
	is_array(path)
	count(path) > 0
	msg := sprintf("can escalate to administrator %sin %d step(s): %s", [kind(path), count(path), concat("; then ", [step_text(s) | some s in path])])
}
