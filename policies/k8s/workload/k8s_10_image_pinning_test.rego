package rampart.k8s.workload.k8s_10_test

import data.rampart.k8s.workload.k8s_10

inp(image) := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": {"containers": [{"name": "a", "image": image}]}}}]}}

test_digest_passes if {
	count(k8s_10.deny) == 0 with input as inp("registry.example.edu/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
}

test_latest_and_untagged_fail if {
	some f in k8s_10.deny with input as inp("nginx:latest")
	contains(f.msg, "every push")
	some g in k8s_10.deny with input as inp("localhost:5000/nginx")
	contains(g.msg, "every push")
}

test_version_tag_fails_softly if {
	some f in k8s_10.deny with input as inp("nginx:1.27.0")
	contains(f.msg, "can be moved")
}

test_missing_or_odd_image_fails if {
	count(k8s_10.deny) == 1 with input as {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": {"containers": [{"name": "a"}]}}}]}}
	count(k8s_10.deny) == 1 with input as inp(7)
}
