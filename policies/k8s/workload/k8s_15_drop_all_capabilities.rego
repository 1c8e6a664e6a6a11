# METADATA
# title: Containers drop all Linux capabilities
# description: >-
#   A container keeps the runtime's default capabilities unless it drops them, NET_RAW among them
#   (raw sockets: spoofed packets, ARP and DNS poisoning of its neighbours on the node). The
#   restricted Pod Security standard requires capabilities.drop to include ALL; what the
#   application needs is added back (K8S-07 allows NET_BIND_SERVICE).
# custom:
#   id: K8S-15
#   severity: medium
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container (and add back NET_BIND_SERVICE only if it binds a port below 1024).'
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_k8s: ["5.2.8", "5.2.10"]
#     cis_eks: ["4.2.7", "4.2.9"]
#     nist_800_53: [CM-7, AC-6]
package rampart.k8s.workload.k8s_15

import data.rampart.lib

dropped(c) := {upper(trim_prefix(upper(d), "CAP_")) | some d in object.get(object.get(object.get(c, "securityContext", {}), "capabilities", {}), "drop", [])}

deny contains {"uid": w.uid, "key": c.path, "path": c.path, "msg": msg} if {
	some w in lib.workloads
	some c in lib.containers(w)
	not "ALL" in dropped(c.c)
	msg := sprintf("container %s does not drop ALL capabilities%s", [c.name, net_raw(dropped(c.c))])
}

net_raw(d) := "" if "NET_RAW" in d

net_raw(d) := "; it keeps NET_RAW (raw sockets)" if not "NET_RAW" in d

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
