# METADATA
# title: Containers run under the RuntimeDefault (or a Localhost) seccomp profile
# description: >-
#   Without a seccomp profile a container may make any of the kernel's ~400 system calls, most of
#   which no application needs and many of which have been the way out of a container. The
#   restricted Pod Security standard requires seccompProfile.type RuntimeDefault or Localhost,
#   set on the pod or on every container (a container's own setting wins); Unconfined, or
#   nothing, fails. The seccomp.security.alpha.kubernetes.io annotations stopped having any effect
#   in Kubernetes 1.27 and do not count.
# custom:
#   id: K8S-14
#   severity: medium
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: 'Set spec.securityContext.seccompProfile: {type: RuntimeDefault} in the pod template (or Localhost with a profile the nodes have).'
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_k8s: ["5.7.2"]
#     nist_800_53: [CM-7, SC-39]
package rampart.k8s.workload.k8s_14

import data.rampart.lib

confined := {"RuntimeDefault", "Localhost"}

profile(sc) := object.get(object.get(sc, "seccompProfile", {}), "type", "")

deny contains {"uid": w.uid, "key": c.path, "path": c.path, "msg": msg} if {
	some w in lib.workloads
	pod_profile := profile(object.get(w.attributes.pod_spec, "securityContext", {}))
	some c in lib.containers(w)
	p := effective(profile(object.get(c.c, "securityContext", {})), pod_profile)
	not p in confined
	msg := sprintf("container %s runs without a RuntimeDefault or Localhost seccomp profile (%s)", [c.name, shown(p)])
}

# A container's own profile wins over the pod's.
effective(own, _) := own if own != ""

effective(own, pod) := pod if own == ""

shown(p) := "none set" if p == ""

shown(p) := sprintf("%s", [p]) if p != ""

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
