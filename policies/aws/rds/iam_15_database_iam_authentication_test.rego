package rampart.aws.rds.iam_15_test

import data.rampart.aws.rds.iam_15

db(t, attrs) := {"uid": "db", "type": t, "attributes": attrs}

inp(d) := {"resources_by_type": {d.type: [d]}, "resources_by_uid": {"db": d}}

test_password_only_fails_on_instances_and_clusters if {
	count(iam_15.deny) == 1 with input as inp(db("aws_db_instance", {"engine": "postgres", "iam_database_authentication_enabled": false}))
	count(iam_15.deny) == 1 with input as inp(db("aws_rds_cluster", {"engine": "aurora-mysql", "iam_database_authentication_enabled": false}))
}

test_iam_authentication_passes if {
	count(iam_15.deny) == 0 with input as inp(db("aws_db_instance", {"engine": "mariadb", "iam_database_authentication_enabled": true}))
}

test_engines_without_iam_authentication_are_not_judged if {
	count(iam_15.applies) == 0 with input as inp(db("aws_db_instance", {"engine": "sqlserver-se", "iam_database_authentication_enabled": false}))
}

test_an_unknown_engine_is_in_scope_and_not_judged_here if {
	d := db("aws_db_instance", {"engine": {"__unknown__": "var.engine"}, "iam_database_authentication_enabled": false})
	count(iam_15.applies) == 1 with input as inp(d)
	count(iam_15.deny) == 0 with input as inp(d)
}
