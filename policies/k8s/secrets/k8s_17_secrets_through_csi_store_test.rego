package rampart.k8s.secrets.k8s_17_test

import data.rampart.k8s.secrets.k8s_17

inp(spec) := {"resources_by_type": {"k8s_deployment": [{"uid": "d", "attributes": {"pod_spec": spec}}]}}

secret_env := {"containers": [{"name": "app", "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}]}

test_secret_key_ref_fails_under_csi if {
	count(k8s_17.deny) == 1 with input as inp(secret_env) with data.rampart.config.kubernetes_secrets as "csi"
}

test_secret_key_ref_is_not_judged_without_the_policy if {
	count(k8s_17.deny) == 0 with input as inp(secret_env)
	count(k8s_17.applies) == 0 with input as inp(secret_env)
}

test_env_from_secret_and_volumes_fail_under_csi if {
	spec := {
		"containers": [{"name": "app", "envFrom": [{"secretRef": {"name": "all"}}, {"configMapRef": {"name": "cfg"}}]}],
		"volumes": [
			{"name": "certs", "secret": {"secretName": "tls"}},
			{"name": "mixed", "projected": {"sources": [{"secret": {"name": "s"}}, {"configMap": {"name": "c"}}]}},
		],
	}
	count(k8s_17.deny) == 3 with input as inp(spec) with data.rampart.config.kubernetes_secrets as "csi"
}

# Look-alikes: a ConfigMap reference, a field reference and a CSI volume are not Secret reads.
test_look_alikes_pass_under_csi if {
	spec := {
		"containers": [{"name": "app", "env": [
			{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}},
			{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
		], "envFrom": [{"configMapRef": {"name": "cfg"}}]}],
		"volumes": [{"name": "store", "csi": {"driver": "secrets-store.csi.k8s.io", "volumeAttributes": {"secretProviderClass": "db"}}}],
	}
	count(k8s_17.deny) == 0 with input as inp(spec) with data.rampart.config.kubernetes_secrets as "csi"
	count(k8s_17.applies) == 1 with input as inp(spec) with data.rampart.config.kubernetes_secrets as "csi"
}

# A reference with its names missing is still a read (the message must not need them).
test_unnamed_references_still_fail if {
	spec := {
		"containers": [{"name": "app", "env": [{"valueFrom": {"secretKeyRef": {}}}], "envFrom": [{"secretRef": {}}]}],
		"volumes": [{"secret": {}}],
	}
	count(k8s_17.deny) == 3 with input as inp(spec) with data.rampart.config.kubernetes_secrets as "csi"
}
