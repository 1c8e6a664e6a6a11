# METADATA
# title: Policy documents are valid and grant what they say
# description: >-
#   Every policy document parses, names services and actions that exist (a typo such as
#   s3:GetObjet silently grants nothing, a typo in a Deny silently denies nothing), uses condition
#   operators that exist, and does not Allow with NotAction or NotResource, which grant everything
#   not listed, including actions AWS adds later.
# custom:
#   id: IAM-13
#   severity: medium
#   resource_types: [aws_iam_policy, aws_iam_role, aws_iam_user, aws_iam_group]
#   reads: [document, policies, policies.*.document]
#   remediation: Fix the document; replace Allow with NotAction/NotResource by an explicit list of actions or resources.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [AC-6, AC-3]
package rampart.aws.iam.iam_13

import data.rampart.lib

kinds := {"invalid_document", "invalid_action", "unknown_service", "unknown_action", "unknown_condition_operator", "allow_not_action", "allow_not_resource"}

deny contains {"uid": r.uid, "msg": msg} if {
	some t in ["aws_iam_policy", "aws_iam_role", "aws_iam_user", "aws_iam_group"]
	some r in lib.resources(t)
	some issue in object.get(r.derived, "policy_issues", [])
	issue.kind in kinds
	msg := sprintf("%s statement %v: %s", [issue.policy, issue.statement, issue.detail])
}
