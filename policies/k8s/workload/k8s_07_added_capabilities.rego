# METADATA
# title: Containers add no Linux capabilities beyond NET_BIND_SERVICE
# description: >-
#   Capabilities such as SYS_ADMIN, NET_ADMIN, NET_RAW or SYS_PTRACE give a container powers over
#   the node's kernel and network; the restricted Pod Security profile allows adding only
#   NET_BIND_SERVICE.
# custom:
#   id: K8S-07
#   severity: medium
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: 'Remove securityContext.capabilities.add entries (keep NET_BIND_SERVICE at most) and set capabilities.drop: ["ALL"].'
#   controls:
#     cis_k8s: ["5.2.8", "5.2.9", "5.2.10"]
#     cis_eks: ["4.2.8"]
#     nist_800_53: [CM-7, AC-6]
package rampart.k8s.workload.k8s_07

import data.rampart.lib

deny contains {"uid": w.uid, "key": sprintf("%s.%s", [c.path, cap]), "path": c.path, "msg": sprintf("container %s adds capability %s", [c.name, cap])} if {
	some w in lib.workloads
	some c in lib.containers(w)
	some cap in object.get(object.get(object.get(c.c, "securityContext", {}), "capabilities", {}), "add", [])
	upper(trim_prefix(cap, "CAP_")) != "NET_BIND_SERVICE"
}

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
