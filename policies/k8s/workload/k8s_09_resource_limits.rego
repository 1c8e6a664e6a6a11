# METADATA
# title: Containers declare CPU and memory limits
# description: >-
#   Without limits one container can starve the others on its node (a denial of service on the
#   services next to it, student-facing ones included).
# custom:
#   id: K8S-09
#   severity: low
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: Set resources.limits.cpu and resources.limits.memory on every container (or a LimitRange in the namespace).
#   controls:
#     nist_800_53: [SC-6]
package rampart.k8s.workload.k8s_09

import data.rampart.lib

deny contains {"uid": w.uid, "key": sprintf("%s.%s", [c.path, r]), "path": c.path, "msg": sprintf("container %s has no %s limit", [c.name, r])} if {
	some w in lib.workloads
	some c in lib.containers(w)
	not startswith(c.path, "pod_spec.ephemeralContainers")
	some r in ["cpu", "memory"]
	not c.c.resources.limits[r]
}

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
