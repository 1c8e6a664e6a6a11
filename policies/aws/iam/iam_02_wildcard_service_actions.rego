# METADATA
# title: Customer and inline policies grant no service-wide write access on all resources
# description: >-
#   No Allow statement in a customer managed or inline policy grants write or permissions
#   management actions on Resource "*" without a condition through a wildcard ("*", "s3:*",
#   "iam:Put*", ...). Wildcards are expanded against the IAM action catalog; actions that cannot
#   be scoped to a resource (for which "*" is the only possible resource) are left out.
# custom:
#   id: IAM-02
#   severity: high
#   resource_types: [aws_iam_policy, aws_iam_role, aws_iam_user, aws_iam_group]
#   reads: [document, policies, policies.*.document]
#   remediation: List the actions the workload calls and scope Resource to the ARNs it uses, or add a condition.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["1.16"]
#     nist_800_53: [AC-6, AC-3]
#   equivalents:
#     checkov: [CKV_AWS_63, CKV_AWS_49, CKV_AWS_355, CKV_AWS_356, CKV_AWS_289, CKV_AWS_290, CKV2_AWS_40]
#     prowler: [iam_policy_no_full_access_to_kms, iam_inline_policy_no_full_access_to_kms, iam_policy_no_full_access_to_cloudtrail, iam_inline_policy_no_full_access_to_cloudtrail]
package rampart.aws.iam.iam_02

import data.rampart.lib

types := ["aws_iam_policy", "aws_iam_role", "aws_iam_user", "aws_iam_group"]

deny contains lib.finding(r, path(r, issue), msg) if {
	some t in types
	some r in lib.resources(t)
	some issue in object.get(r.derived, "policy_issues", [])
	issue.kind == "broad_write"
	d := issue.detail
	msg := sprintf("%s statement %d grants %s on every resource without a condition (e.g. %s)", [issue.policy, issue.statement, concat(" and ", [sprintf("%d %s", [n, lvl]) | some lvl, n in d.levels]), concat(", ", d.examples)])
}

path(r, _) := "document" if r.type == "aws_iam_policy"

path(r, _) := "policies" if r.type != "aws_iam_policy"
