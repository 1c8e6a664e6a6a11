package rampart.k8s.rbac.k8s_01_test

import data.rampart.k8s.rbac.k8s_01

binding(caps, subjects) := {"uid": "b", "derived": {"rbac": {"role": "r", "scope": "cluster", "capabilities": caps, "subjects": subjects}}}

inp(b) := {"resources_by_type": {"k8s_cluster_role_binding": [b]}}

test_cluster_admin_to_authenticated_fails if {
	count(k8s_01.deny) == 1 with input as inp(binding(["cluster_admin", "wildcard"], [{"kind": "Group", "name": "system:authenticated"}]))
}

test_view_to_anonymous_fails if {
	count(k8s_01.deny) == 1 with input as inp(binding([], [{"kind": "User", "name": "system:anonymous"}]))
}

test_cluster_admin_to_named_group_passes if {
	count(k8s_01.deny) == 0 with input as inp(binding(["cluster_admin"], [{"kind": "Group", "name": "platform-admins"}]))
}
