# METADATA
# title: EKS secrets are envelope-encrypted with a customer-managed KMS key
# description: >-
#   Kubernetes Secrets (database passwords, API keys for the student information system) are
#   encrypted in etcd with a KMS key the account controls.
# custom:
#   id: EKS-03
#   severity: high
#   resource_types: [aws_eks_cluster]
#   reads: [secrets_encryption, secrets_encryption.resources]
#   remediation: Add encryption_config { resources = ["secrets"], provider { key_arn = aws_kms_key.<name>.arn } }.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_eks: ["5.3.1"]
#     nist_800_53: [SC-28, SC-12]
#   equivalents:
#     checkov: [CKV_AWS_58]
#     prowler: [eks_cluster_kms_cmk_encryption_in_secrets_enabled]
package rampart.aws.eks.eks_03

import data.rampart.lib

deny contains lib.finding(c, "secrets_encryption", "Kubernetes secrets are not envelope-encrypted with a customer-managed KMS key") if {
	some c in lib.resources("aws_eks_cluster")
	enc := c.attributes.secrets_encryption
	not encrypted(enc)
}

encrypted(enc) if {
	"secrets" in enc.resources
	lib.customer_managed_key(enc.key_arn)
}

error contains lib.finding(c, "secrets_encryption", sprintf("the KMS key is known only after apply (%s): whether it is customer managed cannot be told", [lib.unknown_ref(c.attributes.secrets_encryption.key_arn)])) if {
	some c in lib.resources("aws_eks_cluster")
	lib.unknown_key(c.attributes.secrets_encryption.key_arn)
}
