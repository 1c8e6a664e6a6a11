package rampart.aws.rds.tls_02_test

import data.rampart.aws.rds.tls_02

db(engine, version, params) := {"uid": "d", "attributes": {"engine": engine, "engine_version": version, "parameters": params}}

inp(d) := {"resources_by_type": {"aws_db_instance": [d]}}

test_postgres_14_default_group_fails if {
	count(tls_02.deny) == 1 with input as inp(db("postgres", "14.9", {}))
}

test_postgres_16_default_group_passes if {
	count(tls_02.deny) == 0 with input as inp(db("postgres", "16.3", {}))
}

test_postgres_with_force_ssl_off_fails if {
	count(tls_02.deny) == 1 with input as inp(db("postgres", "16.3", {"rds.force_ssl": "0"}))
}

test_mysql_requires_secure_transport if {
	count(tls_02.deny) == 1 with input as inp(db("mysql", "8.0.35", {}))
	count(tls_02.deny) == 0 with input as inp(db("mysql", "8.0.35", {"require_secure_transport": "ON"}))
}
