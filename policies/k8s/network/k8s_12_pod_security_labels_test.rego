package rampart.k8s.network.k8s_12_test

import data.rampart.k8s.network.k8s_12

ns(labels, class) := {"uid": "n", "name": "app", "tags": labels, "derived": {"classification": class}}

inp(n) := {"resources_by_type": {"k8s_namespace": [n]}, "resources_by_uid": {"n": n}}

test_unlabelled_fails if {
	count(k8s_12.deny) == 1 with input as inp(ns({}, "internal"))
}

test_ferpa_baseline_fails_and_restricted_passes if {
	count(k8s_12.deny) == 1 with input as inp(ns({"pod-security.kubernetes.io/enforce": "baseline"}, "ferpa"))
	count(k8s_12.deny) == 0 with input as inp(ns({"pod-security.kubernetes.io/enforce": "restricted"}, "ferpa"))
}

test_an_implied_namespace_is_not_judged if {
	n := object.union(ns({}, "ferpa"), {"attributes": {"implied": true}})
	count(k8s_12.deny) == 0 with input as inp(n)
	count(k8s_12.applies) == 0 with input as inp(n)
}
