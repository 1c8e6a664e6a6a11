package rampart.aws.ec2.enc_04_test

import data.rampart.aws.ec2.enc_04

vol(enc) := {"uid": "v", "attributes": {"encrypted": enc}}

test_unencrypted_volume_fails if {
	count(enc_04.deny) == 1 with input as {"resources_by_type": {"aws_ebs_volume": [vol(false)]}}
}

test_unset_volume_passes_with_default_on if {
	count(enc_04.deny) == 1 with input as {"resources_by_type": {"aws_ebs_volume": [vol(null)]}}
	count(enc_04.deny) == 0 with input as {"resources_by_type": {"aws_ebs_volume": [vol(null)], "aws_ebs_encryption_by_default": [{"uid": "d", "attributes": {"enabled": true}}]}}
}

test_default_disabled_fails if {
	count(enc_04.deny) == 1 with input as {"resources_by_type": {"aws_ebs_encryption_by_default": [{"uid": "d", "attributes": {"enabled": false}}]}}
}

machine(t, devices) := {"uid": t, "type": t, "attributes": {"block_devices": devices}}

test_each_unencrypted_attached_volume_fails_where_it_is if {
	devices := [{"device_name": "root", "encrypted": true}, {"device_name": "/dev/sdf", "encrypted": false}]
	enc_04.deny == {{"uid": "aws_instance", "path": "block_devices.1.encrypted", "msg": "instance volume /dev/sdf is not encrypted"}} with input as {"resources_by_type": {"aws_instance": [machine("aws_instance", devices)]}}
}

test_volumes_from_the_ami_pass_only_with_default_encryption if {
	devices := [{"device_name": "ami", "encrypted": null}]
	inp := {"aws_launch_template": [machine("aws_launch_template", devices)]}
	count(enc_04.deny) == 1 with input as {"resources_by_type": inp}
	count(enc_04.deny) == 0 with input as {"resources_by_type": object.union(inp, {"aws_ebs_encryption_by_default": [{"uid": "d", "attributes": {"enabled": true}}]})}
}

test_an_unknown_setting_is_not_judged_here if {
	devices := [{"device_name": "/dev/xvda", "encrypted": {"__unknown__": "var.encrypted"}}]
	count(enc_04.deny) == 0 with input as {"resources_by_type": {"aws_launch_configuration": [machine("aws_launch_configuration", devices)]}}
}
