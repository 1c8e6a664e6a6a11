package rampart.aws.rds.pub_04_test

import data.rampart.aws.rds.pub_04

inp(attrs, derived) := {"resources_by_type": {"aws_db_instance": [{"uid": "d", "attributes": attrs, "derived": derived}]}}

test_public_database_fails if {
	count(pub_04.deny) == 1 with input as inp({"publicly_accessible": true}, {})
}

test_public_subnet_fails if {
	count(pub_04.deny) == 1 with input as inp({"publicly_accessible": false}, {"public_subnets": ["aws_subnet.public"]})
}

test_private_database_passes if {
	count(pub_04.deny) == 0 with input as inp({"publicly_accessible": false}, {"public_subnets": []})
}
