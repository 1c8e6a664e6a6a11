# METADATA
# title: cluster-admin is not bound to broad groups, and nothing is bound to anonymous users
# description: >-
#   No binding grants cluster-admin (or an aggregate of it) to a broad subject: all authenticated
#   or unauthenticated users, every service account, or system:masters through a group; and no
#   binding grants anything to system:anonymous, system:unauthenticated or system:authenticated.
# custom:
#   id: K8S-01
#   severity: critical
#   resource_types: [k8s_cluster_role_binding, k8s_role_binding]
#   reads: [derived.rbac]
#   remediation: Bind cluster-admin only to named break-glass users or groups mapped from IAM, and remove bindings to anonymous or all-authenticated subjects.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_eks: ["4.1.1"]
#     cis_k8s: ["5.1.1", "5.1.7"]
#     nist_800_53: [AC-6, AC-6(5), AC-2]
package rampart.k8s.rbac.k8s_01

import data.rampart.lib

anonymous := {"system:anonymous", "system:unauthenticated", "system:authenticated"}

broad(s) if s.name in anonymous

broad(s) if s.name == "system:serviceaccounts"

broad(s) if startswith(s.name, "system:serviceaccounts:")

deny contains {"uid": b.uid, "key": s.name, "path": "subjects", "msg": msg} if {
	some b in lib.bindings
	"cluster_admin" in b.derived.rbac.capabilities
	some s in b.derived.rbac.subjects
	broad(s)
	msg := sprintf("cluster-admin is bound to %s %s (%s)%s", [s.kind, s.name, b.derived.rbac.scope, mapped(b)])
}

deny contains {"uid": b.uid, "key": s.name, "path": "subjects", "msg": msg} if {
	some b in lib.bindings
	not "cluster_admin" in b.derived.rbac.capabilities
	some s in b.derived.rbac.subjects
	s.name in anonymous
	msg := sprintf("role %s is granted to %s (%s)", [b.derived.rbac.role, s.name, b.derived.rbac.scope])
}

# IAM identities the aws-auth ConfigMap and EKS access entries map into the binding's subjects.
mapped(b) := sprintf("; IAM identities mapped into it: %s", [concat(", ", b.derived.rbac.iam_identities)]) if count(object.get(b.derived.rbac, "iam_identities", [])) > 0

mapped(b) := "" if count(object.get(b.derived.rbac, "iam_identities", [])) == 0
