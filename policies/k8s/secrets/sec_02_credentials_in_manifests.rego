# METADATA
# title: No credential is written into a workload's manifest
# description: >-
#   A password, token or key written as an environment variable's literal value, on a
#   container's command line, or into a ConfigMap, is readable by everyone who can read the manifest, the
#   repository it lives in, or the object in the cluster. Credentials come from Secrets
#   (`valueFrom.secretKeyRef`, mounted files) or an external secret store. rampart finds them
#   without keeping them: the finding names the variable or the command line, never the value.
# custom:
#   id: SEC-02
#   severity: high
#   resource_types: [k8s_pod, k8s_deployment, k8s_stateful_set, k8s_daemon_set, k8s_replica_set, k8s_replication_controller, k8s_job, k8s_cron_job, k8s_pod_template, k8s_object, k8s_config_map]
#   reads: []
#   remediation: Put the credential in a Secret (or an external secret store through the Secrets Store CSI driver) and reference it with valueFrom.secretKeyRef or a mounted volume; rotate the credential that was committed.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [IA-5(7), SC-28]
package rampart.k8s.secrets.sec_02

import data.rampart.lib

deny contains {"uid": w.uid, "key": s.path, "path": s.path, "msg": sprintf("%s holds %s; its value is not shown", [s.path, s.why])} if {
	some w in holders
	some s in object.get(w.derived, "hardcoded_secrets", [])
}

# The objects a credential can be written into: workloads' pod templates and ConfigMaps.
holders := array.concat(lib.workloads, lib.resources("k8s_config_map"))

# Every workload and ConfigMap is judged, those with no credential pass.
applies contains h.uid if some h in holders
