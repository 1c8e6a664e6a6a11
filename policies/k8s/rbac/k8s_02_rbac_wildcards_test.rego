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

role(kind, name, rules) := {"uid": "r", "name": name, "attributes": {"kind_name": kind, "rules": rules}}

roles(r) := {"resources_by_type": {"k8s_role": [r]}}

test_an_unbound_wildcard_role_fails_once_per_rule if {
	r := role("Role", "deployer", [{"verbs": ["*"], "resources": ["*"]}, {"verbs": ["get"], "resources": ["*"]}, {"verbs": ["get"], "resources": ["pods"]}])
	count(k8s_02.deny) == 2 with input as roles(r)
	some f in k8s_02.deny with input as roles(r)
	f.path == "rules.0"
	contains(f.msg, "verbs and resources")
}

test_builtin_and_system_roles_are_not_judged_here if {
	count(k8s_02.deny) == 0 with input as {"resources_by_type": {"k8s_cluster_role": [role("ClusterRole", "system:controller:foo", [{"verbs": ["*"], "resources": ["*"]}])]}}
	count(k8s_02.deny) == 0 with input as {"resources_by_type": {"k8s_cluster_role": [role("ClusterRole", "admin", [{"verbs": ["*"], "resources": ["*"]}])]}}
}

# A wildcard in apiGroups or resourceNames alone is not a wildcard verb or resource.
test_look_alike_fields_pass if {
	count(k8s_02.deny) == 0 with input as roles(role("Role", "reader", [{"apiGroups": ["*"], "verbs": ["get"], "resources": ["pods"], "resourceNames": ["*"]}]))
}
