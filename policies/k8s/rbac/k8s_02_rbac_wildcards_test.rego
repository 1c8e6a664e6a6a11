package rampart.k8s.rbac.k8s_02_test

import data.rampart.k8s.rbac.k8s_02

inp(role, caps) := {"resources_by_type": {"k8s_role_binding": [{"uid": "b", "derived": {"rbac": {"role": role, "scope": "namespace a", "capabilities": caps, "subjects": [{"name": "x"}]}}}]}}

test_wildcard_role_fails if {
	count(k8s_02.deny) == 1 with input as inp("ops", ["wildcard"])
}

test_secret_reader_fails if {
	count(k8s_02.deny) == 1 with input as inp("ops", ["read_secrets"])
}

test_builtin_roles_are_left_to_k8s_01 if {
	count(k8s_02.deny) == 0 with input as inp("cluster-admin", ["wildcard", "cluster_admin"])
}

test_narrow_role_passes if {
	count(k8s_02.deny) == 0 with input as inp("reader", [])
}
