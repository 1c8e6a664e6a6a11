# METADATA
# title: Containers have a read-only root filesystem
# description: >-
#   A read-only root filesystem stops an intruder from dropping tools or changing the
#   application's code in place; writable paths are explicit volumes (emptyDir for /tmp).
# custom:
#   id: K8S-08
#   severity: low
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: Set securityContext.readOnlyRootFilesystem true and mount emptyDir volumes where the application writes.
#   controls:
#     nist_800_53: [CM-7]
package rampart.k8s.workload.k8s_08

import data.rampart.lib

deny contains {"uid": w.uid, "key": c.path, "path": c.path, "msg": sprintf("container %s has a writable root filesystem", [c.name])} if {
	some w in lib.workloads
	some c in lib.containers(w)
	not c.c.securityContext.readOnlyRootFilesystem == true
}

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
