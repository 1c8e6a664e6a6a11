# METADATA
# title: Every VPC has flow logs for all traffic
# description: >-
#   VPC flow logs with traffic type ALL are the network evidence of who reached what (99.32).
#   Accepted-only or rejected-only logs miss half of it.
# custom:
#   id: NET-04
#   severity: medium
#   resource_types: [aws_vpc]
#   reads: [flow_logs]
#   remediation: Add aws_flow_log with vpc_id = aws_vpc.<name>.id and traffic_type = "ALL".
#   controls:
#     ferpa: ["99.32", "99.31(a)(1)(ii)"]
#     cis_aws: ["3.7"]
#     nist_800_53: [AU-2, AU-12, SI-4]
#   equivalents:
#     checkov: [CKV2_AWS_11]
#     prowler: [vpc_flow_logs_enabled]
package rampart.aws.vpc.net_04

import data.rampart.lib

logs_all(vpc) if {
	some f in vpc.attributes.flow_logs
	f.traffic_type == "ALL"
}

deny contains lib.finding(vpc, "flow_logs", "VPC has no flow log") if {
	some vpc in lib.resources("aws_vpc")
	count(vpc.attributes.flow_logs) == 0
}

deny contains lib.finding(vpc, "flow_logs", "VPC flow logs do not capture ALL traffic") if {
	some vpc in lib.resources("aws_vpc")
	count(vpc.attributes.flow_logs) > 0
	not logs_all(vpc)
}
