# METADATA
# title: Roles grant no wildcard verbs or resources, and no one reads secrets by accident
# description: >-
#   Roles and ClusterRoles do not use "*" for verbs or resources (a wildcard grants every future
#   resource type too): each Role and ClusterRole is judged itself, bound or not (CIS Kubernetes
#   5.1.3 audits the objects; an unbound role is one binding away from use), and so is every
#   binding to a role rampart sees. Bindings that let a subject read Secrets are reported (in
#   FERPA namespaces, database passwords and SIS API keys live there). The built-in
#   cluster-admin, admin and edit roles and the system: roles are judged by K8S-01 through their
#   bindings.
# custom:
#   id: K8S-02
#   severity: high
#   resource_types: [k8s_cluster_role_binding, k8s_role_binding, k8s_role, k8s_cluster_role]
#   reads: [derived.rbac, rules, kind_name]
#   remediation: List the verbs and resources the subject needs; grant get on named secrets (resourceNames) where a workload needs one.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_eks: ["4.1.3", "4.1.2"]
#     cis_k8s: ["5.1.3", "5.1.2"]
#     nist_800_53: [AC-6]
package rampart.k8s.rbac.k8s_02

import data.rampart.lib

builtin := {"cluster-admin", "admin", "edit"}

deny contains {"uid": b.uid, "key": "wildcard", "path": "roleRef", "msg": msg} if {
	some b in lib.bindings
	not b.derived.rbac.role in builtin
	not startswith(b.derived.rbac.role, "system:")
	"wildcard" in b.derived.rbac.capabilities
	msg := sprintf("role %s grants wildcard verbs or resources (%s)", [b.derived.rbac.role, b.derived.rbac.scope])
}

deny contains {"uid": b.uid, "key": "secrets", "path": "roleRef", "msg": msg} if {
	some b in lib.bindings
	not b.derived.rbac.role in builtin
	not startswith(b.derived.rbac.role, "system:")
	"read_secrets" in b.derived.rbac.capabilities
	msg := sprintf("role %s lets %s read Secrets (%s)", [b.derived.rbac.role, concat(", ", [s.name | some s in b.derived.rbac.subjects]), b.derived.rbac.scope])
}

# The role objects themselves: one finding per rule of a role that uses a wildcard.
deny contains lib.finding(r, sprintf("rules.%d", [i]), msg) if {
	some r in array.concat(lib.resources("k8s_role"), lib.resources("k8s_cluster_role"))
	not r.name in builtin
	not startswith(r.name, "system:")
	some i, rule in object.get(r.attributes, "rules", [])
	wild := [field | some field in ["verbs", "resources"]; "*" in object.get(rule, field, [])]
	count(wild) > 0
	msg := sprintf("%s %s grants \"*\" %s", [r.attributes.kind_name, r.name, concat(" and ", wild)])
}
