# METADATA
# title: The EKS API endpoint is private or limited to known networks
# description: >-
#   The cluster's Kubernetes API is reachable privately, and its public endpoint is off or open
#   only to listed CIDRs, never 0.0.0.0/0 (the provider's default when public access is on).
# custom:
#   id: EKS-01
#   severity: high
#   resource_types: [aws_eks_cluster]
#   reads: [endpoint_public_access, public_access_cidrs, endpoint_private_access]
#   remediation: In vpc_config set endpoint_private_access = true and either endpoint_public_access = false or public_access_cidrs to your networks.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_eks: ["5.4.1", "5.4.2"]
#     nist_800_53: [SC-7, AC-17]
#   equivalents:
#     checkov: [CKV_AWS_38, CKV_AWS_39]
#     prowler: [eks_cluster_not_publicly_accessible]
package rampart.aws.eks.eks_01

import data.rampart.lib

deny contains lib.finding(c, "public_access_cidrs", "the public API endpoint is open to the whole internet") if {
	some c in lib.resources("aws_eks_cluster")
	c.attributes.endpoint_public_access == true
	some cidr in c.attributes.public_access_cidrs
	cidr in lib.open_cidrs
}

deny contains lib.finding(c, "endpoint_private_access", "private endpoint access is off: nodes reach the API over the internet") if {
	some c in lib.resources("aws_eks_cluster")
	c.attributes.endpoint_private_access == false
}
