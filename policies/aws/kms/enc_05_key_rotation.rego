# METADATA
# title: Customer-managed symmetric KMS keys rotate automatically
# description: >-
#   Enabled symmetric customer-managed keys have automatic key rotation on, limiting how much
#   data any one key version protects.
# custom:
#   id: ENC-05
#   severity: medium
#   resource_types: [aws_kms_key]
#   reads: [key_spec, enabled, key_rotation_enabled]
#   remediation: Set enable_key_rotation = true on the aws_kms_key.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["3.6"]
#     nist_800_53: [SC-12, SC-12(1)]
#   equivalents:
#     checkov: [CKV_AWS_7]
#     prowler: [kms_cmk_rotation_enabled]
package rampart.aws.kms.enc_05

import data.rampart.lib

# Symmetric keys that are not disabled; a key whose spec is known only after apply may be one
# (it is then not assessed, never passed).
applies contains k.uid if {
	some k in lib.resources("aws_kms_key")
	symmetric_or_unknown(k.attributes.key_spec)
	k.attributes.enabled != false
}

symmetric_or_unknown(spec) if spec == "SYMMETRIC_DEFAULT"

symmetric_or_unknown(spec) if lib.is_unknown(spec)

deny contains lib.finding(k, "key_rotation_enabled", "automatic key rotation is off") if {
	some uid in applies
	k := lib.resource(uid)
	k.attributes.key_rotation_enabled == false
}
