# METADATA
# title: Namespaces enforce a Pod Security standard; FERPA namespaces enforce restricted
# description: >-
#   Pod Security admission rejects pods that break a standard when the namespace carries the
#   pod-security.kubernetes.io/enforce label. Every application namespace enforces at least
#   baseline; namespaces holding FERPA data enforce restricted. System namespaces (kube-*) are
#   left out.
# custom:
#   id: K8S-12
#   severity: medium
#   resource_types: [k8s_namespace]
#   reads: [tags, implied]
#   remediation: Label the namespace pod-security.kubernetes.io/enforce=restricted (baseline where a workload cannot yet comply, with a waiver).
#   controls:
#     cis_k8s: ["5.2.1"]
#     nist_800_53: [CM-7, AC-6]
package rampart.k8s.network.k8s_12

import data.rampart.lib

# A namespace the manifests only name, without declaring it, is not judged here: its labels are
# wherever it is declared (a live scan of the cluster judges it).
applies contains n.uid if {
	some n in lib.resources("k8s_namespace")
	not startswith(n.name, "kube-")
	not n.attributes.implied
}

level(n) := object.get(n.tags, "pod-security.kubernetes.io/enforce", "")

deny contains {"uid": n.uid, "path": "metadata", "msg": "the namespace enforces no Pod Security standard"} if {
	some uid in applies
	n := lib.resource(uid)
	not level(n) in {"baseline", "restricted"}
}

deny contains {"uid": n.uid, "path": "metadata", "msg": sprintf("the namespace holds FERPA data but enforces %s, not restricted", [level(n)])} if {
	some uid in applies
	n := lib.resource(uid)
	lib.is_ferpa(n)
	level(n) == "baseline"
}
