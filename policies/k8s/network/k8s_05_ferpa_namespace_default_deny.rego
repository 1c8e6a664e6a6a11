# METADATA
# title: Namespaces holding FERPA data deny all traffic by default
# description: >-
#   A namespace labelled as holding FERPA data (data-classification=ferpa by default) has a
#   NetworkPolicy selecting every pod that denies ingress and egress unless another policy allows
#   it, so a compromised pod elsewhere cannot reach student records, and a compromised pod here
#   cannot send them out. (The cluster's CNI must enforce NetworkPolicy: on EKS, the VPC CNI's
#   network policy support.)
# custom:
#   id: K8S-05
#   severity: high
#   resource_types: [k8s_namespace]
#   reads: [derived.network_policy]
#   remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules, then allow the flows the workloads need."
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_eks: ["4.3.2", "5.4.4"]
#     cis_k8s: ["5.3.2"]
#     nist_800_53: [SC-7, AC-4]
package rampart.k8s.network.k8s_05

import data.rampart.lib

applies contains n.uid if {
	some n in lib.resources("k8s_namespace")
	lib.is_ferpa(n)
}

deny contains {"uid": n.uid, "key": dir, "path": "metadata", "msg": sprintf("no default-deny %s NetworkPolicy in this FERPA namespace", [dir])} if {
	some uid in applies
	n := lib.resource(uid)
	some dir, field in {"ingress": "default_deny_ingress", "egress": "default_deny_egress"}
	n.derived.network_policy[field] == false
}
