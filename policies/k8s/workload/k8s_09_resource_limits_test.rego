package rampart.k8s.workload.k8s_09_test

import data.rampart.k8s.workload.k8s_09

inp(res) := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": {"containers": [{"name": "a", "resources": res}]}}}]}}

test_both_limits_pass if {
	count(k8s_09.deny) == 0 with input as inp({"limits": {"cpu": "500m", "memory": "256Mi"}})
}

test_missing_memory_fails if {
	count(k8s_09.deny) == 1 with input as inp({"limits": {"cpu": "500m"}})
}
