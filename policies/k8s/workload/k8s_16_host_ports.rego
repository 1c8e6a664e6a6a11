# METADATA
# title: Containers bind no port on the node (hostPort)
# description: >-
#   A hostPort opens the container on every address of the node it lands on, around the Service
#   and NetworkPolicy that are meant to front it, and ties it to one pod per node. The restricted
#   (and baseline) Pod Security standards forbid it; expose the port through a Service.
# custom:
#   id: K8S-16
#   severity: medium
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: Remove hostPort from the container's ports and reach the container through a Service (a NodePort or LoadBalancer Service where it must be reached from outside).
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_k8s: ["5.2.13"]
#     nist_800_53: [SC-7, CM-7]
package rampart.k8s.workload.k8s_16

import data.rampart.lib

deny contains {"uid": w.uid, "key": sprintf("%s.%d", [c.path, i]), "path": sprintf("%s.ports.%d", [c.path, i]), "msg": msg} if {
	some w in lib.workloads
	some c in lib.containers(w)
	some i, p in object.get(c.c, "ports", [])
	object.get(p, "hostPort", 0) != 0
	msg := sprintf("container %s binds port %v on the node (hostPort)", [c.name, p.hostPort])
}

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
