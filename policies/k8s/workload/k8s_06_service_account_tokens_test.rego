package rampart.k8s.workload.k8s_06_test

import data.rampart.k8s.workload.k8s_06

inp(spec, sa) := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": spec}, "derived": {"service_account": sa}}]}}

test_dedicated_account_without_token_passes if {
	count(k8s_06.deny) == 0 with input as inp({"serviceAccountName": "feed", "automountServiceAccountToken": false}, {"automount_token": null})
}

test_account_level_opt_out_counts if {
	count(k8s_06.deny) == 0 with input as inp({"serviceAccountName": "feed"}, {"automount_token": false})
}

test_defaults_fail_twice if {
	count(k8s_06.deny) == 2 with input as inp({}, {"automount_token": null})
}
