# METADATA
# title: EKS control plane logging covers all five log types
# description: >-
#   api, audit, authenticator, controllerManager and scheduler logs are sent to CloudWatch; the
#   audit log is the record of who read which Kubernetes secret or exec'd into which pod.
# custom:
#   id: EKS-02
#   severity: medium
#   resource_types: [aws_eks_cluster]
#   reads: [enabled_log_types]
#   remediation: Set enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"].
#   controls:
#     ferpa: ["99.32(a)", "99.31(a)(1)(ii)"]
#     cis_eks: ["2.1.1"]
#     nist_800_53: [AU-2, AU-12]
#   equivalents:
#     checkov: [CKV_AWS_37]
#     prowler: [eks_control_plane_logging_all_types_enabled]
package rampart.aws.eks.eks_02

import data.rampart.lib

required := {"api", "audit", "authenticator", "controllerManager", "scheduler"}

deny contains lib.finding(c, "enabled_log_types", sprintf("control plane log types not enabled: %s", [concat(", ", sort(missing))])) if {
	some c in lib.resources("aws_eks_cluster")
	not lib.is_unknown(c.attributes.enabled_log_types)
	missing := required - {t | some t in c.attributes.enabled_log_types}
	count(missing) > 0
}
