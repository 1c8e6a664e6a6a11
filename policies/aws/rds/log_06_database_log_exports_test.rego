package rampart.aws.rds.log_06_test

import data.rampart.aws.rds.log_06

db(t, attrs) := {"uid": "db", "type": t, "attributes": attrs}

inp(d) := {"resources_by_type": {d.type: [d]}, "resources_by_uid": {"db": d}}

test_mysql_needs_its_audit_log if {
	count(log_06.deny) == 1 with input as inp(db("aws_rds_cluster", {"engine": "aurora-mysql", "enabled_cloudwatch_logs_exports": ["error", "slowquery"]}))
	count(log_06.deny) == 0 with input as inp(db("aws_db_instance", {"engine": "mariadb", "enabled_cloudwatch_logs_exports": ["audit", "error"]}))
	count(log_06.deny) == 0 with input as inp(db("aws_db_instance", {"engine": "sqlserver-se", "enabled_cloudwatch_logs_exports": ["error"]}))
}

test_no_export_fails if {
	count(log_06.deny) == 1 with input as inp(db("aws_db_instance", {"engine": "mysql", "enabled_cloudwatch_logs_exports": []}))
	count(log_06.deny) == 1 with input as inp(db("aws_rds_cluster", {"engine": "aurora-mysql", "enabled_cloudwatch_logs_exports": []}))
}

test_postgres_needs_its_postgresql_log if {
	count(log_06.deny) == 1 with input as inp(db("aws_db_instance", {"engine": "postgres", "enabled_cloudwatch_logs_exports": ["upgrade"]}))
	count(log_06.deny) == 0 with input as inp(db("aws_rds_cluster", {"engine": "aurora-postgresql", "enabled_cloudwatch_logs_exports": ["postgresql"]}))
}

test_cluster_members_are_judged_at_their_cluster if {
	count(log_06.applies) == 0 with input as inp(db("aws_db_instance", {"engine": "aurora-postgresql", "cluster_identifier": "c", "enabled_cloudwatch_logs_exports": []}))
}

test_unknown_is_not_judged_here if {
	count(log_06.deny) == 0 with input as inp(db("aws_db_instance", {"engine": "postgres", "enabled_cloudwatch_logs_exports": {"__unknown__": "var.logs"}}))
}
