# METADATA
# title: EFS file systems are encrypted at rest
# description: >-
#   A shared file system holds whatever the workloads that mount it write: exports, uploads,
#   reports about students. EFS encrypts a file system at rest only if it is created so; through
#   the API and Terraform the default is unencrypted, and encryption cannot be turned on later.
#   FERPA file systems are encrypted with a customer-managed key.
# custom:
#   id: ENC-07
#   severity: high
#   resource_types: [aws_efs_file_system]
#   reads: [encrypted, kms_key_id]
#   remediation: >-
#     Create the aws_efs_file_system with encrypted = true (and kms_key_id for FERPA data), and
#     move the data to it: an existing file system cannot be encrypted in place.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["2.3.1"]
#     nist_800_53: [SC-28]
#   equivalents:
#     checkov: [CKV_AWS_42]
#     prowler: [efs_encryption_at_rest_enabled]
package rampart.aws.efs.enc_07

import data.rampart.lib

deny contains lib.finding(fs, "encrypted", msg) if {
	some fs in lib.resources("aws_efs_file_system")
	object.get(fs.attributes, "encrypted", false) == false
	msg := sprintf("file system is not encrypted at rest%s", [how(fs)])
}

deny contains lib.finding(fs, "kms_key_id", "file system holds FERPA data but is encrypted with the AWS managed key, not a customer-managed one") if {
	some fs in lib.resources("aws_efs_file_system")
	lib.is_ferpa(fs)
	fs.attributes.encrypted == true
	object.get(fs.attributes, "kms_key_id", null) == null
}

how(fs) := " (AWS's default through the API: encrypted is not set)" if {
	not "encrypted" in object.keys(fs.attributes)
} else := ""
