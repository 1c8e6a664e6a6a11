package rampart.k8s.network.k8s_05_test

import data.rampart.k8s.network.k8s_05

ns(np, class) := {"uid": "n", "derived": {"classification": class, "network_policy": np}}

inp(n) := {"resources_by_type": {"k8s_namespace": [n]}, "resources_by_uid": {"n": n}}

test_missing_both_fails_twice if {
	count(k8s_05.deny) == 2 with input as inp(ns({"default_deny_ingress": false, "default_deny_egress": false}, "ferpa"))
}

test_full_default_deny_passes if {
	count(k8s_05.deny) == 0 with input as inp(ns({"default_deny_ingress": true, "default_deny_egress": true}, "ferpa"))
}

test_public_namespace_not_in_scope if {
	count(k8s_05.applies) == 0 with input as inp(ns({"default_deny_ingress": false, "default_deny_egress": false}, "public"))
}
