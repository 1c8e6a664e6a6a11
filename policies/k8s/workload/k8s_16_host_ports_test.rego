package rampart.k8s.workload.k8s_16_test

import data.rampart.k8s.workload.k8s_16

inp(ports) := {"resources_by_type": {"k8s_daemon_set": [{"uid": "d", "attributes": {"pod_spec": {"containers": [{"name": "a", "ports": ports}]}}}]}}

test_host_port_fails if {
	count(k8s_16.deny) == 1 with input as inp([{"containerPort": 8080, "hostPort": 8080}])
}

test_container_port_alone_passes if {
	count(k8s_16.deny) == 0 with input as inp([{"containerPort": 8080}])
}

test_host_port_zero_is_none if {
	count(k8s_16.deny) == 0 with input as inp([{"containerPort": 8080, "hostPort": 0}])
}
