# METADATA
# title: DynamoDB tables holding FERPA data are encrypted with a customer-managed key
# description: >-
#   DynamoDB always encrypts at rest, by default with an AWS owned key that no key policy or
#   CloudTrail record covers. Tables holding education records use a customer-managed KMS key.
# custom:
#   id: ENC-03
#   severity: medium
#   resource_types: [aws_dynamodb_table]
#   reads: [server_side_encryption, server_side_encryption.sse_type]
#   remediation: Add server_side_encryption { enabled = true, kms_key_arn = aws_kms_key.<name>.arn } to the table.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [SC-28, SC-12]
#   equivalents:
#     checkov: [CKV_AWS_119]
#     prowler: [dynamodb_tables_kms_cmk_encryption_enabled]
package rampart.aws.dynamodb.enc_03

import data.rampart.lib

applies contains t.uid if {
	some t in lib.resources("aws_dynamodb_table")
	lib.is_ferpa(t)
}

deny contains lib.finding(t, "server_side_encryption", msg) if {
	some uid in applies
	t := lib.resource(uid)
	sse := t.attributes.server_side_encryption
	not cmk(sse)
	msg := sprintf("table holds FERPA data but is encrypted with %s", [key_kind(sse)])
}

cmk(sse) if {
	sse.sse_type == "KMS"
	lib.customer_managed_key(sse.kms_key_arn)
}

key_kind(sse) := "an AWS owned key" if sse.sse_type == "AWS_OWNED"

key_kind(sse) := "the AWS managed key aws/dynamodb" if sse.sse_type == "KMS"

error contains lib.finding(t, "server_side_encryption", sprintf("the KMS key is known only after apply (%s): whether it is customer managed cannot be told", [lib.unknown_ref(t.attributes.server_side_encryption.kms_key_arn)])) if {
	some uid in applies
	t := lib.resource(uid)
	t.attributes.server_side_encryption.sse_type == "KMS"
	lib.unknown_key(t.attributes.server_side_encryption.kms_key_arn)
}
