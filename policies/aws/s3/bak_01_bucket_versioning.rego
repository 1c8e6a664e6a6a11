# METADATA
# title: Versioning is enabled on FERPA buckets
# description: >-
#   Education records and their access logs must be preserved (99.32(a)(2)): versioning keeps
#   overwritten and deleted objects recoverable. Object Lock or MFA Delete is recommended where
#   records must be immutable.
# custom:
#   id: BAK-01
#   severity: medium
#   resource_types: [aws_s3_bucket]
#   reads: [versioning.status]
#   remediation: Add aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }.
#   controls:
#     ferpa: ["99.32(a)(2)"]
#     cis_aws: ["2.1.2"]
#     nist_800_53: [CP-9, CP-10, SI-7]
#   equivalents:
#     checkov: [CKV_AWS_21]
#     prowler: [s3_bucket_object_versioning]
package rampart.aws.s3.bak_01

import data.rampart.lib

applies contains b.uid if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
}

deny contains lib.finding(b, "versioning.status", sprintf("versioning is %s", [b.attributes.versioning.status])) if {
	some uid in applies
	b := lib.resource(uid)
	not lib.is_unknown(b.attributes.versioning.status)
	b.attributes.versioning.status != "Enabled"
}

error contains lib.finding(b, "versioning.status", "versioning status is known only after apply") if {
	some uid in applies
	b := lib.resource(uid)
	lib.is_unknown(b.attributes.versioning.status)
}
