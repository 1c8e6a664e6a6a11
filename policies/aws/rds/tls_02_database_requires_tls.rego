# METADATA
# title: RDS databases require TLS from clients
# description: >-
#   PostgreSQL and SQL Server need rds.force_ssl = 1, MySQL and MariaDB
#   require_secure_transport = ON, in the parameter group the database uses. RDS for PostgreSQL
#   15 and later sets rds.force_ssl = 1 in its default parameter group, so a PostgreSQL 15+
#   database without a custom group passes.
# custom:
#   id: TLS-02
#   severity: high
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   reads: [engine, engine_version, parameters]
#   remediation: Use a custom aws_db_parameter_group (or aws_rds_cluster_parameter_group) with parameter { name = "rds.force_ssl", value = "1" } (PostgreSQL, SQL Server) or require_secure_transport = "ON" (MySQL, MariaDB).
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [SC-8(1)]
#   equivalents:
#     checkov: [CKV2_AWS_69]
#     prowler: [rds_instance_transport_encrypted]
package rampart.aws.rds.tls_02

import data.rampart.lib

dbs := array.concat(lib.resources("aws_db_instance"), lib.resources("aws_rds_cluster"))

family(db) := "postgres" if contains(db.attributes.engine, "postgres")

family(db) := "mysql" if regex.match(`mysql|mariadb`, db.attributes.engine)

family(db) := "sqlserver" if startswith(db.attributes.engine, "sqlserver")

param := {"postgres": "rds.force_ssl", "sqlserver": "rds.force_ssl", "mysql": "require_secure_transport"}

on(v) if lower(sprintf("%v", [v])) in {"1", "on", "true"}

major(db) := to_number(split(db.attributes.engine_version, ".")[0])

# PostgreSQL 15+ default parameter groups force SSL; without a version, RDS creates the latest.
default_forces(db) if {
	family(db) == "postgres"
	major(db) >= 15
}

default_forces(db) if {
	family(db) == "postgres"
	db.attributes.engine_version == null
}

deny contains lib.finding(db, "parameters", msg) if {
	some db in dbs
	f := family(db)
	name := param[f]
	v := object.get(db.attributes.parameters, name, null)
	v != null
	not lib.is_unknown(v)
	not on(v)
	msg := sprintf("%s is %v: clients may connect without TLS", [name, v])
}

deny contains lib.finding(db, "parameters", msg) if {
	some db in dbs
	f := family(db)
	name := param[f]
	object.get(db.attributes.parameters, name, null) == null
	not lib.is_unknown(db.attributes.parameters)
	not lib.is_unknown(db.attributes.engine_version)
	not default_forces(db)
	msg := sprintf("%s is not set in the parameter group: clients may connect without TLS", [name])
}

error contains lib.finding(db, "engine", "engine is known only after apply") if {
	some db in dbs
	lib.is_unknown(db.attributes.engine)
}
