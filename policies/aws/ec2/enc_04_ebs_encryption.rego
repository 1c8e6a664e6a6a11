# METADATA
# title: EBS volumes are encrypted and encryption by default is on
# description: >-
#   Every EBS volume is encrypted, and account-level EBS encryption by default is enabled so that
#   volumes created outside Terraform (EKS nodes, persistent volumes) are encrypted too. The rule
#   judges every volume wherever it is declared: `aws_ebs_volume`, an instance's or a launch
#   configuration's `root_block_device` and `ebs_block_device`, a launch template's
#   `block_device_mappings`. A volume without `encrypted = true` passes only if the same
#   configuration enables encryption by default; so does a volume that comes from an AMI (an
#   instance without a root block, a launch template that maps no volume), whose encryption is the
#   AMI snapshot's, which a configuration does not show. Live, an instance's volumes are the
#   volumes DescribeVolumes returns for it.
# custom:
#   id: ENC-04
#   severity: high
#   resource_types: [aws_ebs_volume, aws_ebs_encryption_by_default, aws_instance, aws_launch_template, aws_launch_configuration]
#   reads: [encrypted, enabled, block_devices.*.encrypted]
#   remediation: >-
#     Declare aws_ebs_encryption_by_default { enabled = true } in every region, and set
#     encrypted = true on volumes: on aws_ebs_volume, in an instance's root_block_device and
#     ebs_block_device blocks, in a launch template's block_device_mappings { ebs { encrypted = true } }.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["5.1.1"]
#     nist_800_53: [SC-28]
#   equivalents:
#     checkov: [CKV_AWS_3, CKV_AWS_8, CKV_AWS_106, CKV2_AWS_2]
#     prowler: [ec2_ebs_default_encryption, ec2_ebs_volume_encryption]
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


# Every volume an instance, a launch template or a launch configuration attaches, with where it is.
attached contains [r, sprintf("block_devices.%d.encrypted", [i]), d] if {
	some r in lib.machines
	devices := r.attributes.block_devices
	is_array(devices)
	some i, d in devices
}

deny contains lib.finding(r, path, sprintf("%s volume %s is not encrypted", [lib.machine_kind[r.type], device(d)])) if {
	some [r, path, d] in attached
	d.encrypted == false
}

deny contains lib.finding(r, path, sprintf("%s %s, and EBS encryption by default is not enabled in this configuration", [lib.machine_kind[r.type], unset(d)])) if {
	some [r, path, d] in attached
	object.get(d, "encrypted", null) == null
	not default_on
}

device(d) := d.device_name if is_string(d.device_name) else := "(unnamed)"

unset(d) := "takes volumes from its AMI without setting their encryption: they are encrypted only if the AMI's snapshots are" if {
	d.device_name == "ami"
} else := sprintf("volume %s does not set encrypted = true", [device(d)])
