package rampart.k8s.workload.k8s_04_test

import data.rampart.k8s.workload.k8s_04

inp(spec) := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": spec}}]}}

test_pod_level_non_root_passes if {
	count(k8s_04.deny) == 0 with input as inp({"securityContext": {"runAsNonRoot": true, "runAsUser": 1000}, "containers": [{"name": "a"}]})
}

test_unset_fails if {
	count(k8s_04.deny) == 1 with input as inp({"containers": [{"name": "a"}]})
}

test_root_user_fails_even_with_non_root_claim if {
	count(k8s_04.deny) == 1 with input as inp({"containers": [{"name": "a", "securityContext": {"runAsNonRoot": true, "runAsUser": 0}}]})
}
