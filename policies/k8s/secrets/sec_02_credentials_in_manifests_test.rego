package rampart.k8s.secrets.sec_02_test

import data.rampart.k8s.secrets.sec_02

pod(derived) := {"resources_by_type": {"k8s_pod": [{"uid": "p", "attributes": {"pod_spec": {"containers": []}}, "derived": derived}]}}

test_literal_password_in_env_fails if {
	count(sec_02.deny) == 1 with input as pod({"hardcoded_secrets": [{"path": "pod_spec.containers.0.env.0.value", "why": "a credential written into the manifest"}]})
}

test_secret_reference_passes if {
	count(sec_02.deny) == 0 with input as pod({})
}

config_map(derived) := {"resources_by_type": {"k8s_config_map": [{"uid": "c", "attributes": {}, "derived": derived}]}}

test_password_in_config_map_fails if {
	count(sec_02.deny) == 1 with input as config_map({"hardcoded_secrets": [{"path": "data.DB_PASSWORD", "why": "a credential written into the manifest"}]})
}

test_plain_config_map_passes if {
	count(sec_02.deny) == 0 with input as config_map({})
}
