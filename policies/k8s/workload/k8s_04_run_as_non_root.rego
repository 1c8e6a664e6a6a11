# METADATA
# title: Containers run as a non-root user
# description: >-
#   Every container runs with runAsNonRoot true (set on the container or the pod) and no
#   runAsUser 0, so that a process escaping its container is not root on the node's filesystem.
# custom:
#   id: K8S-04
#   severity: medium
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: Set securityContext.runAsNonRoot true (pod or container) and a non-zero runAsUser; build images with a USER.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_k8s: ["5.2.7"]
#     cis_eks: ["4.2.6"]
#     nist_800_53: [AC-6, CM-7]
package rampart.k8s.workload.k8s_04

import data.rampart.lib

setting(w, c, key) := v if {
	v := c.c.securityContext[key]
} else := v if {
	v := w.attributes.pod_spec.securityContext[key]
}

deny contains {"uid": w.uid, "key": c.path, "path": c.path, "msg": sprintf("container %s may run as root (runAsNonRoot is not true)", [c.name])} if {
	some w in lib.workloads
	some c in lib.containers(w)
	not setting(w, c, "runAsNonRoot") == true
}

deny contains {"uid": w.uid, "key": sprintf("%s.uid0", [c.path]), "path": c.path, "msg": sprintf("container %s runs as user 0", [c.name])} if {
	some w in lib.workloads
	some c in lib.containers(w)
	setting(w, c, "runAsUser") == 0
}

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
