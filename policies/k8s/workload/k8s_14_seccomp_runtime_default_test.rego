package rampart.k8s.workload.k8s_14_test

import data.rampart.k8s.workload.k8s_14

inp(pod_sc, container_sc) := {"resources_by_type": {"k8s_deployment": [{"uid": "d", "attributes": {"pod_spec": {"securityContext": pod_sc, "containers": [{"name": "a", "securityContext": container_sc}]}}}]}}

test_nothing_set_fails if {
	count(k8s_14.deny) == 1 with input as inp({}, {})
}

test_pod_runtime_default_passes if {
	count(k8s_14.deny) == 0 with input as inp({"seccompProfile": {"type": "RuntimeDefault"}}, {})
}

test_container_localhost_passes if {
	count(k8s_14.deny) == 0 with input as inp({}, {"seccompProfile": {"type": "Localhost", "localhostProfile": "app.json"}})
}

test_container_unconfined_overrides_the_pod if {
	count(k8s_14.deny) == 1 with input as inp({"seccompProfile": {"type": "RuntimeDefault"}}, {"seccompProfile": {"type": "Unconfined"}})
}

test_the_removed_annotation_does_not_count if {
	inp_annotated := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}}, "pod_spec": {"containers": [{"name": "a"}]}}}]}}
	count(k8s_14.deny) == 1 with input as inp_annotated
}
