# METADATA
# title: Network ACLs admit no internet traffic to SSH, RDP or all ports
# description: >-
#   No inbound allow entry of a network ACL admits 0.0.0.0/0 or ::/0 to port 22, 3389, or to all
#   ports and protocols.
# custom:
#   id: NET-05
#   severity: medium
#   resource_types: [aws_network_acl]
#   reads: [entries, entries.*.egress, entries.*.action, entries.*.cidr_block, entries.*.ipv6_cidr_block]
#   remediation: Narrow the entry's cidr_block to known networks, or deny admin ports from the internet before broader allow entries.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["5.2"]
#     nist_800_53: [SC-7]
#   equivalents:
#     checkov: [CKV_AWS_231, CKV_AWS_232, CKV_AWS_352]
#     prowler: [ec2_networkacl_allow_ingress_any_port, ec2_networkacl_allow_ingress_tcp_port_22, ec2_networkacl_allow_ingress_tcp_port_3389]
package rampart.aws.vpc.net_05

import data.rampart.lib

open(e) if e.cidr_block in lib.open_cidrs

open(e) if e.ipv6_cidr_block in lib.open_cidrs

exposes(e) := {"all traffic"} if e.protocol == "-1"

exposes(e) := {sprintf("port %d", [p]) | some p in [22, 3389]; lib.covers_port(e, p)} if e.protocol != "-1"

deny contains lib.finding(acl, sprintf("entries.%d", [i]), sprintf("rule %v allows %s from the internet", [e.rule_no, what])) if {
	some acl in lib.resources("aws_network_acl")
	some i, e in acl.attributes.entries
	e.egress == false
	e.action == "allow"
	open(e)
	some what in exposes(e)
}

deny contains lib.finding(acl, sprintf("entries.%d", [i]), sprintf("rule %v allows ports known only after apply (%s) from the internet: they may include SSH or RDP", [e.rule_no, ref])) if {
	some acl in lib.resources("aws_network_acl")
	some i, e in acl.attributes.entries
	e.egress == false
	e.action == "allow"
	open(e)
	ref := lib.unknown_ports(e)
}
