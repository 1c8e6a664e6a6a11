package rampart.k8s.workload.k8s_07_test

import data.rampart.k8s.workload.k8s_07

inp(caps) := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"add": caps}}}]}}}]}}

test_sys_admin_fails if {
	count(k8s_07.deny) == 1 with input as inp(["SYS_ADMIN"])
}

test_net_bind_service_passes if {
	count(k8s_07.deny) == 0 with input as inp(["NET_BIND_SERVICE"])
}
