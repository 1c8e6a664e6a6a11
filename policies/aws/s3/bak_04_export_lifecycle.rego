# METADATA
# title: Study and audit export buckets expire their objects
# description: >-
#   Data disclosed for a study or an audit must be destroyed when no longer needed
#   (99.31(a)(6)(iii)(B), 99.35(b)(2)). A FERPA bucket whose purpose tag marks it as an export,
#   study, audit or temporary bucket needs an enabled lifecycle rule that expires current or
#   noncurrent objects. Primary record buckets are out of scope (they must keep versions, BAK-01).
# custom:
#   id: BAK-04
#   severity: medium
#   resource_types: [aws_s3_bucket]
#   reads: [lifecycle_rules]
#   remediation: Add aws_s3_bucket_lifecycle_configuration with an enabled rule whose expiration days match the agreement's destroy-by period.
#   controls:
#     ferpa: ["99.31(a)(6)(iii)(B)", "99.35(b)(2)"]
#     nist_800_53: [SI-12, MP-6]
#   equivalents:
#     checkov: [CKV2_AWS_61]
#     prowler: [s3_bucket_lifecycle_enabled]
package rampart.aws.s3.bak_04

import data.rampart.lib

export_purposes := {"export", "study", "audit", "audit-export", "temp", "temporary"}

purpose(b) := lower(object.get(b.tags, "purpose", ""))

applies contains b.uid if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
	purpose(b) in export_purposes
}

expires(b) if {
	some r in b.attributes.lifecycle_rules
	r.enabled == true
	some k in ["expiration_days", "noncurrent_expiration_days"]
	is_number(r[k])
}

deny contains lib.finding(b, "lifecycle_rules", sprintf("%s bucket has no enabled lifecycle rule that expires its objects", [purpose(b)])) if {
	some uid in applies
	b := lib.resource(uid)
	not expires(b)
}
