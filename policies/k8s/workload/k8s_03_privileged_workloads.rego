# METADATA
# title: Workloads run no privileged containers, share no host namespaces and mount no host paths
# description: >-
#   No container is privileged or may gain privileges (allowPrivilegeEscalation, which defaults to
#   true when not set to false), no pod shares the node's network, PID or IPC namespace, and no
#   pod mounts a hostPath volume. Each of these hands a compromised container the node, and with
#   it every other pod's data.
# custom:
#   id: K8S-03
#   severity: high
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: Remove privileged and hostNetwork/hostPID/hostIPC, replace hostPath volumes (use persistent volumes or CSI), and set allowPrivilegeEscalation false in every container's securityContext.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_eks: ["4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5"]
#     cis_k8s: ["5.2.2", "5.2.3", "5.2.4", "5.2.5", "5.2.6", "5.2.12"]
#     nist_800_53: [AC-6, CM-7, SC-39]
package rampart.k8s.workload.k8s_03

import data.rampart.lib

deny contains {"uid": w.uid, "key": c.path, "path": c.path, "msg": sprintf("container %s is privileged", [c.name])} if {
	some w in lib.workloads
	some c in lib.containers(w)
	c.c.securityContext.privileged == true
}

deny contains {"uid": w.uid, "key": sprintf("%s.ape", [c.path]), "path": c.path, "msg": msg} if {
	some w in lib.workloads
	some c in lib.containers(w)
	object.get(object.get(c.c, "securityContext", {}), "allowPrivilegeEscalation", null) != false
	msg := sprintf("container %s may gain privileges (allowPrivilegeEscalation is not false)", [c.name])
}

deny contains {"uid": w.uid, "key": field, "path": sprintf("pod_spec.%s", [field]), "msg": sprintf("pod shares the node's %s", [field])} if {
	some w in lib.workloads
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	w.attributes.pod_spec[field] == true
}

deny contains {"uid": w.uid, "key": v.name, "path": "pod_spec.volumes", "msg": sprintf("volume %s mounts host path %s", [v.name, v.hostPath.path])} if {
	some w in lib.workloads
	some v in object.get(w.attributes.pod_spec, "volumes", [])
	v.hostPath
}

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
