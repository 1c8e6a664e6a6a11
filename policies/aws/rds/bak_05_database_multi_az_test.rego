package rampart.aws.rds.bak_05_test

import data.rampart.aws.rds.bak_05

db(attrs) := {"uid": "db", "type": "aws_db_instance", "attributes": attrs, "derived": {}}

inp(d) := {"resources_by_type": {"aws_db_instance": [d]}, "resources_by_uid": {"db": d}}

test_single_az_fails if {
	count(bak_05.deny) == 1 with input as inp(db({"multi_az": false}))
}

test_multi_az_passes if {
	count(bak_05.deny) == 0 with input as inp(db({"multi_az": true}))
}

test_aurora_members_and_replicas_are_exempt if {
	count(bak_05.applies) == 0 with input as inp(db({"multi_az": false, "cluster_identifier": "aurora-1"}))
	count(bak_05.applies) == 0 with input as inp(db({"multi_az": false, "replicate_source_db": "primary"}))
	count(bak_05.applies) == 0 with input as inp(object.union(db({"multi_az": false}), {"derived": {"replica_of": "arn:aws:rds:us-east-1:1:db:primary"}}))
}

test_the_default_says_so if {
	d := object.union(db({"multi_az": false}), {"defaults": ["multi_az"]})
	some f in bak_05.deny with input as inp(d)
	contains(f.msg, "AWS's default")
}

test_unknown_is_not_judged_here if {
	count(bak_05.deny) == 0 with input as inp(db({"multi_az": {"__unknown__": "var.ha"}}))
}
