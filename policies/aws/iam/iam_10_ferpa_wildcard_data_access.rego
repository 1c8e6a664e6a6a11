# METADATA
# title: Access to FERPA data stores is granted by name, not by wildcard
# description: >-
#   Only school officials with a legitimate educational interest may reach education records
#   (99.31(a)(1)(ii)). For every bucket, table, database and KMS key holding FERPA data, rampart
#   maps who can read or write the data through identity, bucket and key policies; a grant of data
#   actions (s3:GetObject, dynamodb:Query, rds-db:connect, kms:Decrypt, ...) that reaches the store
#   only through Resource "*" or a service-wide wildcard, without a condition, is a finding.
# custom:
#   id: IAM-10
#   severity: high
#   resource_types: [aws_s3_bucket, aws_dynamodb_table, aws_db_instance, aws_rds_cluster, aws_kms_key]
#   reads: [derived.access, derived.wildcard_access]
#   remediation: Name the store's ARN in the policy (or scope with aws:ResourceTag conditions), and keep Resource "*" data grants out of roles that do not need every store.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)", "99.35(a)(2)(ii)"]
#     nist_800_53: [AC-6, AC-3, AC-21]
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

# One finding per store and principal (its fingerprint keyed by the principal), reads and writes
# together: `derived.wildcard_access` groups the unconditional wildcard grants of the access map.
deny contains {"uid": r.uid, "key": w.principal, "msg": msg} if {
	some uid in applies
	r := lib.resource(uid)
	some w in object.get(r.derived, "wildcard_access", [])
	msg := sprintf("%s can %s this store's data through a wildcard resource (%s)", [w.principal, concat(" and ", w.access), concat("; ", w.via)])
}
