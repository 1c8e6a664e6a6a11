# METADATA
# title: Access to FERPA data stores is granted by name, not by wildcard
# description: >-
#   Only school officials with a legitimate educational interest may reach education records
#   (99.31(a)(1)(ii)). For every bucket, table, database and KMS key holding FERPA data, rampart
#   maps who can read or write the data through identity, bucket and key policies; a grant of data
#   actions (s3:GetObject, dynamodb:Query, rds-db:connect, kms:Decrypt, ...) that reaches the store
#   only through Resource "*" or a service-wide wildcard, without a condition, is a finding. One
#   result per store: its message names the first principals, its details list them all.
# custom:
#   id: IAM-10
#   severity: high
#   resource_types: [aws_s3_bucket, aws_dynamodb_table, aws_db_instance, aws_rds_cluster, aws_kms_key]
#   reads: [derived.access, derived.wildcard_access]
#   remediation: Name the store's ARN in the policy (or scope with aws:ResourceTag conditions), and keep Resource "*" data grants out of roles that do not need every store.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)", "99.35(a)(2)(ii)"]
#     nist_800_53: [AC-6, AC-3, AC-21]
#   equivalents:
#     checkov: [CKV_AWS_288, CKV_AWS_108]
package rampart.aws.iam.iam_10

import data.rampart.lib

stores := [r |
	some t in ["aws_s3_bucket", "aws_dynamodb_table", "aws_db_instance", "aws_rds_cluster", "aws_kms_key"]
	some r in lib.resources(t)
]

applies contains r.uid if {
	some r in stores
	lib.is_ferpa(r)
}

# Principals named in a message; the rest are counted, and all of them are in the details.
named := 5

# One finding per store, whatever the number of principals: one store is one thing to fix, and
# a result per (principal, store) pair would grow with their product (thousands of results for
# one Resource "*" policy attached to many roles). `derived.wildcard_access` groups the
# unconditional wildcard grants of the access map per principal, sorted by principal.
deny contains {"uid": r.uid, "msg": msg, "details": {"principals": grants}} if {
	some uid in applies
	r := lib.resource(uid)
	grants := object.get(r.derived, "wildcard_access", [])
	count(grants) > 0
	shown := [sprintf("%s (%s, through %s)", [w.principal, concat(" and ", w.access), concat("; ", w.via)]) |
		some w in array.slice(grants, 0, named)
	]
	msg := sprintf("%s can reach this store's data through a wildcard resource: %s%s", [
		principals(count(grants)),
		concat("; ", shown),
		more(count(grants) - count(shown)),
	])
}

principals(1) := "1 principal"

principals(n) := sprintf("%d principals", [n]) if n != 1

more(0) := ""

more(n) := sprintf("; and %d more (all are listed in the result's details)", [n]) if n > 0
