# METADATA
# title: The default security group of every VPC allows no traffic
# description: >-
#   AWS creates each VPC's default security group allowing all traffic between its members and
#   all outbound traffic, and attaches it to anything launched without a group. Terraform manages
#   it only through aws_default_security_group; a VPC without one keeps the AWS rules.
# custom:
#   id: NET-03
#   severity: medium
#   resource_types: [aws_vpc]
#   reads: [default_security_group]
#   remediation: Declare aws_default_security_group for the VPC with no ingress and no egress blocks (that removes all rules).
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["5.5"]
#     nist_800_53: [SC-7, CM-7]
#   equivalents:
#     checkov: [CKV2_AWS_12]
#     prowler: [ec2_securitygroup_default_restrict_traffic]
package rampart.aws.vpc.net_03

import data.rampart.lib

deny contains lib.finding(vpc, "default_security_group", msg) if {
	some vpc in lib.resources("aws_vpc")
	dsg := vpc.attributes.default_security_group
	n := count(dsg.ingress) + count(dsg.egress)
	n > 0
	msg := sprintf("default security group has %d rule(s)%s", [n, unmanaged(dsg)])
}

unmanaged(dsg) := " (AWS defaults: it is not managed with aws_default_security_group)" if dsg.managed == false

unmanaged(dsg) := "" if dsg.managed == true

# Read from a live account: whether Terraform manages it is not known there.
unmanaged(dsg) := "" if dsg.managed == null
