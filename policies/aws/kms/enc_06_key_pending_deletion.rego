# METADATA
# title: Customer-managed KMS keys are not scheduled for deletion
# description: >-
#   Once a KMS key is deleted, everything encrypted under it (buckets, databases, snapshots,
#   backups of student records) can never be decrypted again. A customer-managed key scheduled for
#   deletion fails while the waiting period still allows cancelling it. Live, the key's state is
#   read; a configuration declares keys that exist, so only keys whose state was read are judged.
# custom:
#   id: ENC-06
#   severity: high
#   resource_types: [aws_kms_key]
#   reads: [key_state]
#   remediation: Cancel the deletion (aws kms cancel-key-deletion) unless nothing encrypted under the key is still needed; disable the key instead while you find out.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [SC-12, CP-9]
#   equivalents:
#     prowler: [kms_cmk_not_deleted_unintentionally]
package rampart.aws.kms.enc_06

import data.rampart.lib

# Customer-managed keys whose state was read.
applies contains k.uid if {
	some k in lib.resources("aws_kms_key")
	object.get(k.derived, "customer_managed", true) == true
	"key_state" in object.keys(k.attributes)
}

deny contains lib.finding(k, "key_state", "key is scheduled for deletion: what is encrypted under it becomes unreadable for good") if {
	some uid in applies
	k := lib.resource(uid)
	k.attributes.key_state == "PendingDeletion"
}
