# METADATA
# title: Databases export their logs to CloudWatch Logs
# description: >-
#   A database's own logs (connections, errors, the queries PostgreSQL is told to log) are the
#   record of who reached the student data inside it (99.32). Kept only on the instance they
#   rotate away within days and are lost with it. Every database exports at least one log type
#   to CloudWatch Logs: a PostgreSQL database its `postgresql` log, a MySQL or MariaDB database
#   (RDS or Aurora) its `audit` log. Aurora cluster members export through their cluster and are
#   judged there.
# custom:
#   id: LOG-06
#   severity: medium
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   reads: [enabled_cloudwatch_logs_exports, engine, cluster_identifier]
#   remediation: >-
#     Set enabled_cloudwatch_logs_exports on the aws_db_instance or aws_rds_cluster: ["postgresql"]
#     for PostgreSQL, ["audit", "error", "slowquery"] for MySQL and MariaDB (audit needs the audit
#     plugin option group), ["error"] at least for other engines.
#   controls:
#     ferpa: ["99.32(a)"]
#     nist_800_53: [AU-2, AU-12]
#   equivalents:
#     checkov: [CKV_AWS_129, CKV_AWS_324, CKV_AWS_325]
#     prowler: [rds_instance_integration_cloudwatch_logs, rds_cluster_integration_cloudwatch_logs]
package rampart.aws.rds.log_06

import data.rampart.lib

# Standalone instances and clusters: a cluster member's logs are its cluster's.
applies contains db.uid if {
	some db in lib.resources("aws_db_instance")
	object.get(db.attributes, "cluster_identifier", null) == null
}

applies contains c.uid if {
	some c in lib.resources("aws_rds_cluster")
}

deny contains lib.finding(db, "enabled_cloudwatch_logs_exports", "database exports no logs to CloudWatch Logs: its connection and error logs stay on the instance and rotate away") if {
	some uid in applies
	db := lib.resource(uid)
	db.attributes.enabled_cloudwatch_logs_exports == []
}

deny contains lib.finding(db, "enabled_cloudwatch_logs_exports", sprintf("%s database does not export its %s log, %s", [family, log, why])) if {
	some uid in applies
	db := lib.resource(uid)
	exports := db.attributes.enabled_cloudwatch_logs_exports
	is_array(exports)
	count(exports) > 0
	is_string(db.attributes.engine)
	[family, log, why] := access_log(lower(db.attributes.engine))
	not log in exports
}

# The log that records who connected and what they ran, by engine family.
access_log(engine) := ["PostgreSQL", "postgresql", "where connections and logged statements are written"] if {
	contains(engine, "postgres")
} else := ["MySQL", "audit", "the record of connections and queries"] if {
	some family in ["mysql", "mariadb"]
	contains(engine, family)
} else := ["MySQL", "audit", "the record of connections and queries"] if {
	engine == "aurora"
}
