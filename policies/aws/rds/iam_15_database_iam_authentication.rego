# METADATA
# title: Databases accept IAM authentication
# description: >-
#   With IAM database authentication, people and services connect with short-lived tokens tied
#   to their IAM identity, so access to student records is granted, logged and revoked in one
#   place instead of through passwords shared and kept in configuration. MySQL, MariaDB and
#   PostgreSQL databases (RDS and Aurora) turn it on; engines without it (SQL Server, Oracle,
#   Db2) are not judged. Aurora cluster members are judged at their cluster.
# custom:
#   id: IAM-15
#   severity: medium
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   reads: [iam_database_authentication_enabled, engine, cluster_identifier]
#   remediation: Set iam_database_authentication_enabled = true on the aws_db_instance or aws_rds_cluster, and grant rds-db:connect to the roles that connect.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [IA-2, AC-2]
#   equivalents:
#     checkov: [CKV_AWS_161, CKV_AWS_162]
#     prowler: [rds_instance_iam_authentication_enabled, rds_cluster_iam_authentication_enabled]
package rampart.aws.rds.iam_15

import data.rampart.lib

# The engines that support IAM authentication, by the prefix of their name.
supports_iam(engine) if {
	some prefix in ["mysql", "mariadb", "postgres", "aurora"]
	startswith(lower(engine), prefix)
}

# Databases on such an engine: standalone instances and clusters.
applies contains db.uid if {
	some db in lib.resources("aws_db_instance")
	object.get(db.attributes, "cluster_identifier", null) == null
	lib.is_unknown(db.attributes.engine)
}

applies contains db.uid if {
	some db in lib.resources("aws_db_instance")
	object.get(db.attributes, "cluster_identifier", null) == null
	supports_iam(db.attributes.engine)
}

applies contains c.uid if {
	some c in lib.resources("aws_rds_cluster")
	lib.is_unknown(c.attributes.engine)
}

applies contains c.uid if {
	some c in lib.resources("aws_rds_cluster")
	supports_iam(c.attributes.engine)
}

deny contains lib.finding(db, "iam_database_authentication_enabled", msg) if {
	some uid in applies
	db := lib.resource(uid)
	is_string(db.attributes.engine)
	db.attributes.iam_database_authentication_enabled == false
	msg := sprintf("database accepts only passwords%s: access cannot be granted and revoked through IAM", [how(db)])
}

how(db) := " (AWS's default: IAM authentication is off)" if {
	lib.by_default(db, "iam_database_authentication_enabled")
} else := ""
