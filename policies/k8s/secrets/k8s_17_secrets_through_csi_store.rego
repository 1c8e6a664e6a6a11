# METADATA
# title: Workloads take secrets from the external secret store, not from Kubernetes Secrets
# description: >-
#   Where the platform keeps its credentials in an external store (AWS Secrets Manager or SSM
#   through the Secrets Store CSI driver), a workload that reads a Kubernetes Secret instead
#   (`valueFrom.secretKeyRef`, `envFrom.secretRef`, a `secret` volume) holds a copy that is
#   stored in etcd, outlives rotation in the store and is readable by anyone who may read Secrets
#   in its namespace. The rule judges only when the scan is told the platform's policy
#   (`--kubernetes-secrets csi`); without it, Kubernetes Secrets are an accepted source and the
#   rule has nothing to judge.
# custom:
#   id: K8S-17
#   severity: medium
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object]
#   reads: [pod_spec]
#   remediation: Mount the credential through a SecretProviderClass of the Secrets Store CSI driver (a `csi` volume with driver secrets-store.csi.k8s.io) and read it from the mounted file; do not sync it into a Kubernetes Secret.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_eks: ["4.4.2"]
#     nist_800_53: [IA-5(7), SC-28]
package rampart.k8s.secrets.k8s_17

import data.rampart.lib

# The platform's policy: "csi" asks for the external store; anything else accepts Secrets.
default secrets_source := "kubernetes"

secrets_source := data.rampart.config.kubernetes_secrets

deny contains {"uid": s.uid, "key": s.path, "path": s.path, "msg": s.msg} if {
	secrets_source == "csi"
	some s in secret_reads
}

# Every place a workload reads a Secret (a message never depends on an optional name being set:
# a read with a name missing is still a read): env entries, envFrom entries, secret and projected volumes.
secret_reads contains {"uid": w.uid, "path": sprintf("%s.env.%d", [c.path, i]), "msg": sprintf("container %s reads %s from Secret %s", [c.name, object.get(e, "name", "?"), object.get(ref, "name", "?")])} if {
	some w in lib.workloads
	some c in lib.containers(w)
	some i, e in object.get(c.c, "env", [])
	ref := e.valueFrom.secretKeyRef
	is_object(ref)
}

secret_reads contains {"uid": w.uid, "path": sprintf("%s.envFrom.%d", [c.path, i]), "msg": sprintf("container %s reads every key of Secret %s", [c.name, object.get(f.secretRef, "name", "?")])} if {
	some w in lib.workloads
	some c in lib.containers(w)
	some i, f in object.get(c.c, "envFrom", [])
	is_object(f.secretRef)
}

secret_reads contains {"uid": w.uid, "path": sprintf("pod_spec.volumes.%d", [i]), "msg": sprintf("volume %s mounts Secret %s", [object.get(v, "name", "?"), object.get(v.secret, "secretName", "?")])} if {
	some w in lib.workloads
	some i, v in object.get(w.attributes.pod_spec, "volumes", [])
	is_object(v.secret)
}

secret_reads contains {"uid": w.uid, "path": sprintf("pod_spec.volumes.%d.projected.sources.%d", [i, j]), "msg": sprintf("projected volume %s includes Secret %s", [object.get(v, "name", "?"), object.get(s.secret, "name", "?")])} if {
	some w in lib.workloads
	some i, v in object.get(w.attributes.pod_spec, "volumes", [])
	some j, s in object.get(object.get(v, "projected", {}), "sources", [])
	is_object(s.secret)
}

# Judged only under the CSI policy; then every workload is judged.
applies contains uid if {
	secrets_source == "csi"
	some uid in lib.workload_uids
}
