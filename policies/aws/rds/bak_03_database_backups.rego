# METADATA
# title: FERPA databases keep 7 days of backups and have deletion protection
# description: >-
#   Databases holding education records keep automated backups for at least 7 days and cannot be
#   deleted by accident (deletion_protection). Read replicas are exempt from the backup retention
#   requirement (their source is backed up) but not from deletion protection. FERPA DynamoDB
#   tables need deletion protection too (`deletion_protection_enabled`); their backups are BAK-02's.
# custom:
#   id: BAK-03
#   severity: medium
#   resource_types: [aws_db_instance, aws_rds_cluster, aws_dynamodb_table]
#   reads: [backup_retention_period, deletion_protection, deletion_protection_enabled]
#   remediation: Set backup_retention_period to 7 or more and deletion_protection = true; on a DynamoDB table, deletion_protection_enabled = true.
#   controls:
#     nist_800_53: [CP-9, CP-10]
#   equivalents:
#     checkov: [CKV_AWS_133, CKV_AWS_293, CKV_AWS_139]
#     prowler: [rds_instance_backup_enabled, rds_instance_deletion_protection, rds_cluster_deletion_protection, dynamodb_table_deletion_protection_enabled]
package rampart.aws.rds.bak_03

import data.rampart.lib

dbs := array.concat(lib.resources("aws_db_instance"), lib.resources("aws_rds_cluster"))

applies contains db.uid if {
	some db in dbs
	lib.is_ferpa(db)
}

applies contains t.uid if {
	some t in lib.resources("aws_dynamodb_table")
	lib.is_ferpa(t)
}

deny contains lib.finding(db, "backup_retention_period", sprintf("backups are kept %v day(s), fewer than 7", [db.attributes.backup_retention_period])) if {
	some uid in applies
	db := lib.resource(uid)
	not db.derived.replica_of
	is_number(db.attributes.backup_retention_period)
	db.attributes.backup_retention_period < 7
}

deny contains lib.finding(db, "deletion_protection", "deletion protection is off") if {
	some uid in applies
	db := lib.resource(uid)
	db.attributes.deletion_protection == false
}

deny contains lib.finding(t, "deletion_protection_enabled", "deletion protection is off") if {
	some uid in applies
	t := lib.resource(uid)
	t.attributes.deletion_protection_enabled == false
}
