# METADATA
# title: Images are pinned by digest, or at least by a version tag
# description: >-
#   An image referenced by digest (@sha256:…) always runs the bytes that were reviewed. A mutable
#   tag can change under the same name; an untagged image or :latest changes with every push,
#   so what runs is not what was approved.
# custom:
#   id: K8S-10
#   severity: medium
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: Reference images by digest (registry/app@sha256:…), as CI resolves them at build time.
#   controls:
#     nist_800_53: [SI-7, CM-7]
package rampart.k8s.workload.k8s_10

import data.rampart.lib

tag(image) := t if {
	not contains(image, "@")
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
}

deny contains {"uid": w.uid, "key": c.path, "path": c.path, "msg": problem(c.name, image)} if {
	some w in lib.workloads
	some c in lib.containers(w)
	image := object.get(c.c, "image", null)
	not pinned(image)
}

# Only a string naming a digest is pinned; a missing or odd image is not (never a pass).
pinned(image) if {
	is_string(image)
	contains(image, "@sha256:")
}

problem(name, image) := sprintf("container %s names no image, so what it runs is decided elsewhere", [name]) if {
	not is_string(image)
} else := sprintf("container %s runs %s, which is not pinned by digest and changes with every push", [name, image]) if {
	not tag(image)
} else := sprintf("container %s runs %s, which is not pinned by digest and changes with every push", [name, image]) if {
	tag(image) == "latest"
} else := sprintf("container %s runs %s, pinned by a tag that can be moved, not by digest", [name, image])

# Every workload is judged (a pod or ReplicaSet through the controller in the input that made it).
applies contains uid if some uid in lib.workload_uids
