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
