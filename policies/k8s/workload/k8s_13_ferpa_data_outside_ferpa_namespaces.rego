# METADATA
# title: Only workloads in FERPA namespaces can reach student data
# description: >-
#   A workload runs as an IAM role through its service account (IRSA); when that role can read or
#   write a store holding FERPA data, the workload belongs in a namespace classified as FERPA data,
#   where default-deny network policies, restricted Pod Security and tighter RBAC apply. A pod in
#   another namespace that can reach student records is outside that boundary.
# custom:
#   id: K8S-13
#   severity: high
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [derived.iam_role, derived.reaches]
#   remediation: Move the workload into a namespace labelled data-classification=ferpa, or give its service account a role without access to the student data.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [AC-4, AC-6]
package rampart.k8s.workload.k8s_13

import data.rampart.lib

applies contains w.uid if {
	some w in lib.workloads
	count(object.get(w.derived, "reaches", [])) > 0
}

deny contains {"uid": w.uid, "key": r.store, "path": "pod_spec", "msg": msg} if {
	some uid in applies
	w := lib.resource(uid)
	not lib.is_ferpa(w)
	some r in w.derived.reaches
	accesses := {a.access | some a in w.derived.reaches; a.store == r.store}
	msg := sprintf("pods in namespace %s can %s %s (%s) through IAM role %s, outside a FERPA namespace", [w.attributes.namespace, concat(" and ", sort(accesses)), r.name, r.store, w.derived.iam_role])
}
