package rampart.aws.rds.pub_05_test

import data.rampart.aws.rds.pub_05

inp(t, attrs) := {"resources_by_type": {t: [{"uid": "s", "type": t, "attributes": attrs}]}}

test_a_snapshot_shared_with_all_fails if {
	count(pub_05.deny) == 1 with input as inp("aws_db_snapshot", {"shared_accounts": ["all"]})
	count(pub_05.deny) == 1 with input as inp("aws_db_cluster_snapshot", {"shared_accounts": ["111122223333", "all"]})
	count(pub_05.deny) == 1 with input as inp("aws_db_snapshot", {"public": true, "shared_with": []})
}

test_a_snapshot_shared_with_named_accounts_passes if {
	count(pub_05.deny) == 0 with input as inp("aws_db_snapshot", {"shared_accounts": ["111122223333"]})
	count(pub_05.deny) == 0 with input as inp("aws_db_snapshot", {"public": false, "shared_with": ["111122223333"]})
}

test_unknown_is_not_judged_here if {
	count(pub_05.deny) == 0 with input as inp("aws_db_snapshot", {"shared_accounts": {"__unknown__": "var.accounts"}})
}
