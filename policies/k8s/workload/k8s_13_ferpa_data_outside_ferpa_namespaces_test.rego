package rampart.k8s.workload.k8s_13_test

import data.rampart.k8s.workload.k8s_13

w(class, reaches) := {"uid": "w", "attributes": {"namespace": "courses", "pod_spec": {}}, "derived": {"classification": class, "reaches": reaches, "iam_role": "arn:aws:iam::1:role/r"}}

inp(x) := {"resources_by_type": {"k8s_deployment": [x]}, "resources_by_uid": {"w": x}}

reach := [{"store": "aws_s3_bucket.records", "name": "records", "access": "read"}]

test_outside_ferpa_namespace_fails if {
	some f in k8s_13.deny with input as inp(w("internal", reach))
	contains(f.msg, "pods in namespace courses can read records")
}

test_inside_ferpa_namespace_passes if {
	count(k8s_13.deny) == 0 with input as inp(w("ferpa", reach))
}

test_no_reach_not_in_scope if {
	count(k8s_13.applies) == 0 with input as inp(w("internal", []))
}
