# METADATA
# title: RDS and Aurora storage is encrypted; FERPA databases with a customer-managed key
# description: >-
#   Database storage, automated backups, snapshots and replicas are encrypted at rest
#   (storage_encrypted). Databases holding education records use a customer-managed KMS key
#   rather than the AWS managed aws/rds key. A read replica inherits its source's encryption.
# custom:
#   id: ENC-02
#   severity: high
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   reads: [storage_encrypted]
#   remediation: Set storage_encrypted = true and kms_key_id = aws_kms_key.<name>.arn (encryption cannot be turned on in place; restore from an encrypted snapshot copy).
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["2.2.1"]
#     nist_800_53: [SC-28, SC-28(1)]
#   equivalents:
#     checkov: [CKV_AWS_16, CKV_AWS_96, CKV_AWS_327]
#     prowler: [rds_instance_storage_encrypted, rds_cluster_storage_encrypted]
package rampart.aws.rds.enc_02

import data.rampart.lib

dbs := array.concat(lib.resources("aws_db_instance"), lib.resources("aws_rds_cluster"))

deny contains lib.finding(db, "storage_encrypted", "database storage is not encrypted") if {
	some db in dbs
	db.attributes.storage_encrypted == false
}

deny contains lib.finding(db, "kms_key_id", "database holds FERPA data but is encrypted with the AWS managed key aws/rds") if {
	some db in dbs
	lib.is_ferpa(db)
	db.attributes.storage_encrypted == true
	not lib.customer_managed_key(db.attributes.kms_key_id)
	not db.derived.replica_of
}

error contains lib.finding(db, "storage_encrypted", "storage encryption is known only after apply") if {
	some db in dbs
	lib.is_unknown(db.attributes.storage_encrypted)
}

error contains lib.finding(db, "kms_key_id", sprintf("the KMS key is known only after apply (%s): whether it is customer managed cannot be told", [lib.unknown_ref(db.attributes.kms_key_id)])) if {
	some db in dbs
	lib.is_ferpa(db)
	db.attributes.storage_encrypted == true
	lib.unknown_key(db.attributes.kms_key_id)
	not db.derived.replica_of
}
