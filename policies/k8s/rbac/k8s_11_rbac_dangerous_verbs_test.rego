package rampart.k8s.rbac.k8s_11_test

import data.rampart.k8s.rbac.k8s_11

inp(role, caps) := {"resources_by_type": {"k8s_role_binding": [{"uid": "b", "derived": {"rbac": {"role": role, "scope": "namespace a", "capabilities": caps, "subjects": [{"name": "x"}]}}}]}}

test_exec_and_impersonate_fail if {
	count(k8s_11.deny) == 2 with input as inp("debug", ["pods_exec", "impersonate"])
}

test_read_only_role_passes if {
	count(k8s_11.deny) == 0 with input as inp("viewer", ["read_secrets"])
}
