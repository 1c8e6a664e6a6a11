package rampart.aws.rds.pat_01_test

import data.rampart.aws.rds.pat_01

inp(t, attrs) := {"resources_by_type": {t: [{"uid": "db", "type": t, "attributes": attrs}]}}

test_turned_off_fails_on_instances_and_cluster_members if {
	every t in ["aws_db_instance", "aws_rds_cluster_instance"] {
		count(pat_01.deny) == 1 with input as inp(t, {"auto_minor_version_upgrade": false})
	}
}

test_on_or_left_out_passes if {
	count(pat_01.deny) == 0 with input as inp("aws_db_instance", {"auto_minor_version_upgrade": true})
	count(pat_01.deny) == 0 with input as inp("aws_rds_cluster_instance", {})
}

test_unknown_is_not_judged_here if {
	count(pat_01.deny) == 0 with input as inp("aws_db_instance", {"auto_minor_version_upgrade": {"__unknown__": "var.upgrades"}})
}
