# METADATA
# title: Customer and inline policies grant no service-wide wildcard on all resources
# description: >-
#   No Allow statement in a customer managed or inline policy grants "*" or "service:*" on
#   Resource "*" without a condition. Such a statement grants every present and future action of
#   the service, including permissions management and data deletion. (The full least-privilege
#   analysis, which expands partial wildcards against the IAM action catalog, refines this.)
# custom:
#   id: IAM-02
#   severity: high
#   resource_types: [aws_iam_policy, aws_iam_role, aws_iam_user, aws_iam_group]
#   remediation: List the actions the workload calls and scope Resource to the ARNs it uses.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["1.16"]
#     nist_800_53: [AC-6, AC-3]
package rampart.aws.iam.iam_02

import data.rampart.lib

wildcard(a) if a == "*"

wildcard(a) if regex.match(`^[A-Za-z0-9-]+:\*$`, a)

broad(st) := [a | some a in st.Action; wildcard(a)] if {
	st.Effect == "Allow"
	"*" in st.Resource
	not st.Condition
}

deny contains lib.finding(p, sprintf("document.Statement.%d", [i]), sprintf("allows %s on every resource without a condition", [concat(", ", acts)])) if {
	some p in lib.resources("aws_iam_policy")
	some i, st in lib.statements(p.attributes.document)
	acts := broad(st)
	count(acts) > 0
}

deny contains lib.finding(p, sprintf("policies.%d", [i]), sprintf("inline policy %v allows %s on every resource without a condition", [pol.name, concat(", ", acts)])) if {
	some t in ["aws_iam_role", "aws_iam_user", "aws_iam_group"]
	some p in lib.resources(t)
	some i, pol in p.attributes.policies
	pol.kind == "inline"
	some st in lib.statements(pol.document)
	acts := broad(st)
	count(acts) > 0
}
