# Helpers shared by the built-in rules. Not a rule: no METADATA block.
package rampart.lib

# All resources of a type (empty when there are none).
resources(t) := object.get(input.resources_by_type, t, [])

# The resource with a uid, if any.
resource(uid) := input.resources_by_uid[uid]

# A value known only after apply: {"__unknown__": "<reference>"}.
is_unknown(v) if {
	is_object(v)
	v.__unknown__
}

# Whether the value at `path` (dotted, as in `reads`) is AWS's default: not set in the
# configuration, not returned by the API. A rule tells "encrypted" from "encrypted only because
# AWS encrypts every bucket" by it.
by_default(r, path) if path in object.get(r, "defaults", [])

# The reference an unknown value points at ("" for a known value).
unknown_ref(v) := v.__unknown__ if is_unknown(v)

unknown_ref(v) := "" if not is_unknown(v)

# The text of a value: the string itself, or for an unknown the reference / partly rendered
# template it stands for ("arn:aws:iam::${data.aws_caller_identity.current.account_id}:root").
text(v) := v if is_string(v)

text(v) := v.__unknown__ if is_unknown(v)

# Data classification (derived in Rust from the configured tag keys; an untagged data store is
# treated as FERPA data).
classification(r) := object.get(r.derived, "classification", "")

# The strict variants apply at the most sensitive configured level (`ferpa` by default); Rust sets
# derived.strict. Test inputs that give only a classification fall back to comparing it.
is_ferpa(r) if object.get(r.derived, "strict", classification(r) == "ferpa") == true

# Today's date (YYYY-MM-DD, UTC), given by rampart so that evaluation stays deterministic.
default today := "9999-12-31"

today := data.rampart.config.today

# What launches EC2 machines: instances, launch templates and launch configurations, which carry
# the same settings (metadata options, volumes). Listed by name: regorus reads a literal type
# much faster than one taken from a map.
machines := array.concat(array.concat(resources("aws_instance"), resources("aws_launch_template")), resources("aws_launch_configuration"))

# A machine's kind, in words.
machine_kind := {"aws_instance": "instance", "aws_launch_template": "launch template", "aws_launch_configuration": "launch configuration"}

# A finding about a resource, pointing at an attribute.
finding(r, path, msg) := {"uid": r.uid, "path": path, "msg": msg}

# Everyone on the internet.
open_cidrs := {"0.0.0.0/0", "::/0"}

# A port range [from, to] with protocol covers `port` (protocol -1 means all traffic).
covers_port(rule, port) if rule.protocol == "-1"

covers_port(rule, port) if {
	rule.protocol in {"tcp", "6"}
	is_number(rule.from_port)
	is_number(rule.to_port)
	rule.from_port <= port
	port <= rule.to_port
}

# What a rule exposes is known only after apply: its protocol, or the ports of a TCP rule. It
# may cover any port; rules judge it conservatively. Gives the reference of what is unknown.
unknown_ports(rule) := unknown_ref(rule.protocol) if is_unknown(rule.protocol)

unknown_ports(rule) := ref if {
	not is_unknown(rule.protocol)
	rule.protocol in {"tcp", "6"}
	some k in ["from_port", "to_port"]
	is_unknown(rule[k])
	ref := unknown_ref(rule[k])
}

# A rule reachable from anywhere.
from_internet(rule) if {
	some c in rule.cidr_blocks
	c in open_cidrs
}

from_internet(rule) if {
	some c in rule.ipv6_cidr_blocks
	c in open_cidrs
}

# An AWS managed key alias (not a customer managed key).
aws_managed_key(k) if {
	is_string(k)
	regex.match(`^(arn:aws[a-z-]*:kms:[^:]*:[^:]*:)?alias/aws/`, k)
}

# A customer managed KMS key: a key ARN/id, a customer alias, or a reference to an aws_kms_key
# declared in the same configuration (known only after apply, but known to be a CMK).
customer_managed_key(k) if {
	is_string(k)
	k != ""
	not aws_managed_key(k)
}

customer_managed_key(k) if {
	is_unknown(k)
	regex.match(`(^|\.)aws_kms_(key|replica_key|external_key)\.`, k.__unknown__)
}

customer_managed_key(k) if {
	is_unknown(k)
	regex.match(`(^|\.)aws_kms_alias\.`, k.__unknown__)
}

# A key known only after apply that is not a reference to a key declared in the configuration
# (`var.kms_key_arn`): whether it is customer managed cannot be told.
unknown_key(k) if {
	is_unknown(k)
	not customer_managed_key(k)
}

# Statements of a normalized policy document (empty for null/unknown).
statements(doc) := doc.Statement if is_array(doc.Statement)

statements(doc) := [] if not is_array(doc.Statement)

# Condition keys used by a statement, lower-cased.
condition_keys(st) := {lower(k) | some op, kv in object.get(st, "Condition", {}); some k, _ in kv}

# Principals of a statement, flattened ("*" for everyone).
principal_values(st) := {v | some _, vs in object.get(st, "Principal", {}); some v in vs}

# Kubernetes workloads: every object with a pod template (Pods, Deployments, ReplicaSets,
# ReplicationControllers, StatefulSets, DaemonSets, Jobs, CronJobs, PodTemplates, and any other
# kind whose template lists containers), with the template in attributes.pod_spec. A pod or
# ReplicaSet made by a controller that is in the input too is judged through that controller
# (derived.controlled_by, set in Rust); one whose controller is not in the input is judged itself.
workloads := [w |
	some t, rs in input.resources_by_type
	startswith(t, "k8s_")
	some w in rs
	is_object(object.get(w.attributes, "pod_spec", null))
	object.get(object.get(w, "derived", {}), "controlled_by", null) == null
]

# The uids of the workloads: what every container rule judges.
workload_uids contains w.uid if some w in workloads

# Containers of a workload (init and ephemeral included), with their index path and a name to
# show (its own, or its place when the manifest gives none: a message must never need it).
containers(w) := [{"path": sprintf("pod_spec.%s.%d", [kind, i]), "name": object.get(c, "name", sprintf("%s[%d]", [kind, i])), "c": c} |
	some kind in ["initContainers", "containers", "ephemeralContainers"]
	some i, c in object.get(w.attributes.pod_spec, kind, [])
]

# Bindings (namespaced and cluster-wide) with the capabilities rampart derived.
bindings := array.concat(resources("k8s_role_binding"), resources("k8s_cluster_role_binding"))
