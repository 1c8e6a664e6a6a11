# METADATA
# title: Security groups admit no internet traffic to SSH, RDP or all ports
# description: >-
#   No ingress rule allows 0.0.0.0/0 or ::/0 to port 22 (SSH), 3389 (RDP), or to every port.
#   Administrative access goes through SSM Session Manager or a bastion reachable only from
#   known networks. An EKS managed node group with an SSH key in `remote_access` and no
#   `source_security_group_ids` is opened by EKS to SSH from anywhere, and fails too.
# custom:
#   id: NET-01
#   severity: high
#   resource_types: [aws_security_group, aws_eks_node_group]
#   reads: [ingress, ingress.*.cidr_blocks, ingress.*.ipv6_cidr_blocks, remote_access, remote_access.*.ec2_ssh_key, remote_access.*.source_security_group_ids]
#   remediation: >-
#     Restrict the rule's cidr_blocks to known networks, or remove it and use SSM Session Manager.
#     For a node group, name the security groups allowed to reach it in
#     remote_access.source_security_group_ids, or drop remote_access.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["5.3", "5.4"]
#     nist_800_53: [SC-7, SC-7(5), AC-17]
#   equivalents:
#     checkov: [CKV_AWS_24, CKV_AWS_25, CKV_AWS_277, CKV_AWS_100]
#     prowler: [ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389, ec2_securitygroup_allow_ingress_from_internet_to_all_ports, ec2_securitygroup_allow_ingress_from_internet_to_any_port, ec2_instance_port_ssh_exposed_to_internet, ec2_instance_port_rdp_exposed_to_internet]
package rampart.aws.vpc.net_01

import data.rampart.lib

admin_ports := [22, 3389]

all_ports(rule) if rule.protocol == "-1"

all_ports(rule) if {
	rule.from_port <= 0
	rule.to_port >= 65535
}

# What a rule exposes: "all ports", or each admin port it covers.
exposures(rule) := {"all ports"} if all_ports(rule)

exposures(rule) := {sprintf("port %d", [p]) | some p in admin_ports; lib.covers_port(rule, p)} if not all_ports(rule)

deny contains lib.finding(sg, sprintf("ingress.%d", [i]), sprintf("ingress from the internet to %s", [what])) if {
	some sg in lib.resources("aws_security_group")
	some i, rule in sg.attributes.ingress
	lib.from_internet(rule)
	some what in exposures(rule)
}

# Open to the internet on ports known only after apply: they may include SSH or RDP.
deny contains lib.finding(sg, sprintf("ingress.%d", [i]), sprintf("ingress from the internet on ports known only after apply (%s): they may include SSH (22) or RDP (3389)", [ref])) if {
	some sg in lib.resources("aws_security_group")
	some i, rule in sg.attributes.ingress
	lib.from_internet(rule)
	ref := lib.unknown_ports(rule)
}

# An EKS managed node group with an SSH key and no source security groups: EKS opens port 22 on
# its nodes to 0.0.0.0/0.
deny contains lib.finding(ng, sprintf("remote_access.%d", [i]), "node group is open to SSH (port 22) from the internet: remote_access sets an SSH key and no source_security_group_ids") if {
	some ng in lib.resources("aws_eks_node_group")
	some i, access in as_blocks(ng.attributes.remote_access)
	is_string(access.ec2_ssh_key)
	object.get(access, "source_security_group_ids", null) in {null, []}
}

as_blocks(v) := v if is_array(v)

as_blocks(v) := [v] if is_object(v)
