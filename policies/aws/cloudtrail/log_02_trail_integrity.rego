# METADATA
# title: CloudTrail logs are validated and encrypted with KMS
# description: >-
#   Log file validation proves the access record was not altered (99.32(a)(2) keeps the record
#   with the education record), and a KMS key controls who may read the logs.
# custom:
#   id: LOG-02
#   severity: medium
#   resource_types: [aws_cloudtrail]
#   reads: [log_file_validation_enabled]
#   remediation: Set enable_log_file_validation = true and kms_key_id = aws_kms_key.<name>.arn.
#   controls:
#     ferpa: ["99.32(a)(2)"]
#     cis_aws: ["3.2", "3.5"]
#     nist_800_53: [AU-9, AU-9(3), SI-7]
#   equivalents:
#     checkov: [CKV_AWS_36, CKV_AWS_35]
#     prowler: [cloudtrail_log_file_validation_enabled, cloudtrail_kms_encryption_enabled]
package rampart.aws.cloudtrail.log_02

import data.rampart.lib

deny contains lib.finding(t, "log_file_validation_enabled", "log file validation is off") if {
	some t in lib.resources("aws_cloudtrail")
	t.attributes.log_file_validation_enabled == false
}

deny contains lib.finding(t, "kms_key_id", "trail logs are not encrypted with a KMS key") if {
	some t in lib.resources("aws_cloudtrail")
	t.attributes.kms_key_id == null
}

error contains lib.finding(t, "kms_key_id", sprintf("the KMS key is known only after apply (%s): whether the logs are encrypted cannot be told", [lib.unknown_ref(t.attributes.kms_key_id)])) if {
	some t in lib.resources("aws_cloudtrail")
	lib.unknown_key(t.attributes.kms_key_id)
}
