package rampart.k8s.workload.k8s_15_test

import data.rampart.k8s.workload.k8s_15

inp(sc) := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": {"containers": [{"name": "a", "securityContext": sc}]}}}]}}

test_nothing_dropped_fails_and_names_net_raw if {
	some d in k8s_15.deny with input as inp({})
	contains(d.msg, "NET_RAW")
}

test_drop_all_passes if {
	count(k8s_15.deny) == 0 with input as inp({"capabilities": {"drop": ["ALL"]}})
}

test_drop_all_in_lower_case_passes if {
	count(k8s_15.deny) == 0 with input as inp({"capabilities": {"drop": ["all"]}})
}

test_dropping_only_net_raw_still_fails if {
	some d in k8s_15.deny with input as inp({"capabilities": {"drop": ["NET_RAW"]}})
	not contains(d.msg, "NET_RAW")
}
