# METADATA
# title: Databases take minor engine upgrades automatically
# description: >-
#   Minor engine versions carry the security fixes of the database engine. A database that does
#   not take them in its maintenance window runs known vulnerabilities until someone upgrades it
#   by hand. AWS's default is to take them; a database (or an Aurora cluster member) that turns
#   this off fails.
# custom:
#   id: PAT-01
#   severity: medium
#   resource_types: [aws_db_instance, aws_rds_cluster_instance]
#   reads: [auto_minor_version_upgrade]
#   remediation: Set auto_minor_version_upgrade = true (or leave it out) on the aws_db_instance or aws_rds_cluster_instance.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["2.2.2"]
#     nist_800_53: [SI-2]
#   equivalents:
#     checkov: [CKV_AWS_226]
#     prowler: [rds_instance_minor_version_upgrade_enabled]
package rampart.aws.rds.pat_01

import data.rampart.lib

deny contains lib.finding(db, "auto_minor_version_upgrade", "database does not take minor engine upgrades: engine security fixes wait for a manual upgrade") if {
	some db in array.concat(lib.resources("aws_db_instance"), lib.resources("aws_rds_cluster_instance"))
	object.get(db.attributes, "auto_minor_version_upgrade", true) == false
}
