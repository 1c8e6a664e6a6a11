# METADATA
# title: S3 buckets are encrypted at rest; FERPA buckets with a customer-managed KMS key
# description: >-
#   Every bucket is encrypted (AWS has applied SSE-S3 to new buckets since January 2023, so an
#   unconfigured bucket passes). Buckets holding education records must use SSE-KMS with a
#   customer-managed key, so that the key policy can enforce legitimate educational interest
#   separately from the bucket policy and every decryption is logged.
# custom:
#   id: ENC-01
#   severity: high
#   resource_types: [aws_s3_bucket]
#   reads: [server_side_encryption, server_side_encryption.sse_algorithm]
#   remediation: >-
#     Add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm = "aws:kms" and
#     kms_master_key_id set to an aws_kms_key you manage (optionally bucket_key_enabled = true).
#   controls:
#     ferpa: ["99.31(a)(1)(ii)", "99.35(a)(2)(ii)"]
#     nist_800_53: [SC-28, SC-28(1), SC-12]
#   equivalents:
#     checkov: [CKV_AWS_145, CKV_AWS_19]
#     prowler: [s3_bucket_kms_encryption]
package rampart.aws.s3.enc_01

import data.rampart.lib

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

deny contains lib.finding(b, "server_side_encryption.sse_algorithm", msg) if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
	alg := b.attributes.server_side_encryption.sse_algorithm
	not lib.is_unknown(alg)
	not alg in kms_algorithms
	msg := sprintf("bucket holds FERPA data but is encrypted with %s%s, not SSE-KMS with a customer-managed key", [alg, configured(b)])
}

# How the algorithm came: set, or AWS's default for a bucket that configures none.
configured(b) := " (AWS's default: the bucket configures no encryption)" if {
	lib.by_default(b, "server_side_encryption")
} else := ""

deny contains lib.finding(b, "server_side_encryption.kms_master_key_id", msg) if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
	b.attributes.server_side_encryption.sse_algorithm in kms_algorithms
	key := b.attributes.server_side_encryption.kms_master_key_id
	not lib.customer_managed_key(key)
	msg := "bucket holds FERPA data but uses the AWS managed key aws/s3, not a customer-managed KMS key"
}

deny contains lib.finding(b, "server_side_encryption.sse_algorithm", "bucket has no default encryption") if {
	some b in lib.resources("aws_s3_bucket")
	b.attributes.server_side_encryption.sse_algorithm == null
}

error contains lib.finding(b, "server_side_encryption.sse_algorithm", "encryption algorithm is known only after apply") if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_unknown(b.attributes.server_side_encryption.sse_algorithm)
}

error contains lib.finding(b, "server_side_encryption.kms_master_key_id", sprintf("the KMS key is known only after apply (%s): whether it is customer managed cannot be told", [lib.unknown_ref(key)])) if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
	b.attributes.server_side_encryption.sse_algorithm in kms_algorithms
	key := b.attributes.server_side_encryption.kms_master_key_id
	lib.unknown_key(key)
}
