# METADATA
# title: No one is granted exec into pods, pod creation, or escalate, bind and impersonate
# description: >-
#   pods/exec opens a shell in any pod of the scope (and reads what it reads); creating pods runs
#   code as any service account of the namespace; escalate and bind grant permissions the holder
#   does not have; impersonate acts as any user or group. Each is a path around least privilege.
#   Built-in roles (cluster-admin, admin, edit, system:*) are judged through K8S-01.
# custom:
#   id: K8S-11
#   severity: high
#   resource_types: [k8s_cluster_role_binding, k8s_role_binding]
#   reads: [derived.rbac]
#   remediation: Remove these verbs from the role, or keep them in a break-glass role bound to named people, with a waiver.
#   controls:
#     cis_k8s: ["5.1.4", "5.1.8"]
#     nist_800_53: [AC-6, AC-6(10)]
package rampart.k8s.rbac.k8s_11

import data.rampart.lib

builtin := {"cluster-admin", "admin", "edit"}

described := {
	"pods_exec": "exec into pods",
	"create_pods": "create pods",
	"escalate": "escalate",
	"bind": "bind roles",
	"impersonate": "impersonate users and groups",
}

deny contains {"uid": b.uid, "key": cap, "path": "roleRef", "msg": msg} if {
	some b in lib.bindings
	not b.derived.rbac.role in builtin
	not startswith(b.derived.rbac.role, "system:")
	some cap, what in described
	cap in b.derived.rbac.capabilities
	msg := sprintf("role %s lets %s %s (%s)", [b.derived.rbac.role, concat(", ", [s.name | some s in b.derived.rbac.subjects]), what, b.derived.rbac.scope])
}
