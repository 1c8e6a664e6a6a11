# METADATA
# title: Pods do not mount service account tokens they do not need, and do not run as "default"
# description: >-
#   A pod gets a Kubernetes API token unless automountServiceAccountToken is false on the pod or
#   its service account; most application pods never call the API, and a stolen token is a way
#   into the cluster. Pods run under a service account of their own (with its IAM role through
#   IRSA), not the namespace's "default" one. Pods that need the API opt in explicitly.
# custom:
#   id: K8S-06
#   severity: medium
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec, derived.service_account]
#   remediation: Set automountServiceAccountToken false on the pod spec or the service account, and serviceAccountName to a dedicated account.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)", "99.31(c)"]
#     cis_eks: ["4.1.5", "4.1.6"]
#     cis_k8s: ["5.1.5", "5.1.6"]
#     nist_800_53: [AC-6, IA-5]
package rampart.k8s.workload.k8s_06

import data.rampart.lib

automount(w) := v if {
	v := w.attributes.pod_spec.automountServiceAccountToken
} else := v if {
	v := w.derived.service_account.automount_token
	v != null
} else := true

deny contains {"uid": w.uid, "key": "automount", "path": "pod_spec", "msg": "the pod mounts a Kubernetes API token (automountServiceAccountToken is not false)"} if {
	some w in lib.workloads
	automount(w) == true
}

deny contains {"uid": w.uid, "key": "default", "path": "pod_spec", "msg": "the pod runs as the namespace's default service account"} if {
	some w in lib.workloads
	object.get(w.attributes.pod_spec, "serviceAccountName", "default") == "default"
}

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
