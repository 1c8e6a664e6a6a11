package rampart.aws.rds.bak_03_test

import data.rampart.aws.rds.bak_03

db(days, prot, derived) := {"uid": "d", "attributes": {"backup_retention_period": days, "deletion_protection": prot}, "derived": object.union({"classification": "ferpa"}, derived)}

inp(d) := {"resources_by_type": {"aws_db_instance": [d]}, "resources_by_uid": {"d": d}}

test_short_retention_and_no_protection_fail if {
	count(bak_03.deny) == 2 with input as inp(db(1, false, {}))
}

test_compliant_database_passes if {
	count(bak_03.deny) == 0 with input as inp(db(14, true, {}))
}

test_replica_exempt_from_retention if {
	count(bak_03.deny) == 0 with input as inp(db(0, true, {"replica_of": "aws_db_instance.primary"}))
}

test_a_ferpa_table_without_deletion_protection_fails if {
	t := {"uid": "t", "type": "aws_dynamodb_table", "attributes": {"deletion_protection_enabled": false}, "derived": {"classification": "ferpa"}}
	i := {"resources_by_type": {"aws_dynamodb_table": [t]}, "resources_by_uid": {"t": t}}
	count(bak_03.deny) == 1 with input as i
	count(bak_03.deny) == 0 with input as object.union(i, {"resources_by_uid": {"t": object.union(t, {"attributes": {"deletion_protection_enabled": true}})}})
}
