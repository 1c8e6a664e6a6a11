package rampart.k8s.workload.k8s_08_test

import data.rampart.k8s.workload.k8s_08

inp(sc) := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": {"containers": [{"name": "a", "securityContext": sc}]}}}]}}

test_read_only_passes if {
	count(k8s_08.deny) == 0 with input as inp({"readOnlyRootFilesystem": true})
}

test_writable_fails if {
	count(k8s_08.deny) == 1 with input as inp({})
}
