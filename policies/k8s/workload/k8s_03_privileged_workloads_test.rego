package rampart.k8s.workload.k8s_03_test

import data.rampart.k8s.workload.k8s_03

inp(spec) := {"resources_by_type": {"k8s_deployment": [{"uid": "d", "attributes": {"pod_spec": spec}}]}}

safe := {"name": "app", "securityContext": {"allowPrivilegeEscalation": false}}

test_hardened_pod_passes if {
	count(k8s_03.deny) == 0 with input as inp({"containers": [safe]})
}

test_privileged_and_default_escalation_fail if {
	count(k8s_03.deny) == 2 with input as inp({"containers": [{"name": "app", "securityContext": {"privileged": true}}]})
}

test_host_namespaces_and_host_path_fail if {
	count(k8s_03.deny) == 3 with input as inp({"hostNetwork": true, "hostPID": true, "containers": [safe], "volumes": [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]})
}
