# METADATA
# title: EBS volumes are encrypted and encryption by default is on
# description: >-
#   Every EBS volume is encrypted, and account-level EBS encryption by default is enabled so that
#   volumes created outside Terraform (EKS nodes, persistent volumes) are encrypted too. A volume
#   without `encrypted = true` passes only if the same configuration enables encryption by default.
# custom:
#   id: ENC-04
#   severity: high
#   resource_types: [aws_ebs_volume, aws_ebs_encryption_by_default]
#   reads: [encrypted, enabled]
#   remediation: Declare aws_ebs_encryption_by_default { enabled = true } in every region, and set encrypted = true on volumes.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["5.1.1"]
#     nist_800_53: [SC-28]
package rampart.aws.ec2.enc_04

import data.rampart.lib

default_on if {
	some d in lib.resources("aws_ebs_encryption_by_default")
	d.attributes.enabled == true
}

deny contains lib.finding(v, "encrypted", "volume is not encrypted") if {
	some v in lib.resources("aws_ebs_volume")
	v.attributes.encrypted == false
}

deny contains lib.finding(v, "encrypted", "volume does not set encrypted = true and EBS encryption by default is not enabled in this configuration") if {
	some v in lib.resources("aws_ebs_volume")
	v.attributes.encrypted == null
	not default_on
}

deny contains lib.finding(d, "enabled", "EBS encryption by default is disabled") if {
	some d in lib.resources("aws_ebs_encryption_by_default")
	d.attributes.enabled == false
}
