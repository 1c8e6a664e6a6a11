# METADATA
# title: IAM users get permissions through groups or roles, never directly
# description: >-
#   People should sign in through SSO and federation and act through roles; where IAM users remain,
#   their permissions come from groups, so that access is reviewed per job function rather than per
#   person. A policy attached to or embedded in a user (aws_iam_user_policy,
#   aws_iam_user_policy_attachment, aws_iam_policy_attachment with users, or the live
#   account's user policies) is a finding on the line that does it.
# custom:
#   id: IAM-11
#   severity: low
#   resource_types: [aws_iam_user]
#   reads: [policies]
#   remediation: Move the policy to a group that matches the job function and add the user to it, or replace the user by federated access to a role.
#   controls:
#     ferpa: ["99.31(c)", "99.31(a)(1)(ii)"]
#     cis_aws: ["1.15"]
#     nist_800_53: [AC-2, IA-2, IA-8]
#   equivalents:
#     checkov: [CKV_AWS_40]
#     prowler: [iam_policy_attached_only_to_group_or_roles]
package rampart.aws.iam.iam_11

import data.rampart.lib

deny contains {"uid": r.uid, "key": name, "path": sprintf("policies.%d", [i]), "msg": sprintf("%s policy %s is attached directly to the user", [p.kind, name])} if {
	some r in lib.resources("aws_iam_user")
	some i, p in object.get(r.attributes, "policies", [])
	name := lib.text(object.get(p, "name", sprintf("#%d", [i])))
}
