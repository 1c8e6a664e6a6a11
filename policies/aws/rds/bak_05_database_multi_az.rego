# METADATA
# title: RDS database instances are Multi-AZ
# description: >-
#   A single-AZ database is down for as long as its Availability Zone is, and a restore from
#   backup loses what was written since. Standalone instances run Multi-AZ (a synchronous standby
#   in another zone). Aurora cluster members and read replicas are exempt: Aurora storage spans
#   three zones, and a replica's availability is its source's. An instance that does not set
#   multi_az is single-AZ, AWS's default, and the finding says so.
# custom:
#   id: BAK-05
#   severity: medium
#   resource_types: [aws_db_instance]
#   reads: [multi_az, cluster_identifier, replicate_source_db]
#   remediation: Set multi_az = true on the aws_db_instance.
#   controls:
#     cis_aws: ["2.2.4"]
#     nist_800_53: [CP-10]
#   equivalents:
#     checkov: [CKV_AWS_157]
#     prowler: [rds_instance_multi_az]
package rampart.aws.rds.bak_05

import data.rampart.lib

# Standalone instances: not an Aurora cluster member, not a read replica.
applies contains db.uid if {
	some db in lib.resources("aws_db_instance")
	object.get(db.attributes, "cluster_identifier", null) == null
	object.get(db.attributes, "replicate_source_db", null) == null
	not db.derived.replica_of
}

deny contains lib.finding(db, "multi_az", msg) if {
	some uid in applies
	db := lib.resource(uid)
	db.attributes.multi_az == false
	msg := sprintf("database runs in one Availability Zone%s: an outage of that zone takes it down", [how(db)])
}

how(db) := " (AWS's default: multi_az is not set)" if {
	lib.by_default(db, "multi_az")
} else := ""
