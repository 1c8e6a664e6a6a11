package rampart.aws.eks.eks_03_test

import data.rampart.aws.eks.eks_03

inp(enc) := {"resources_by_type": {"aws_eks_cluster": [{"uid": "c", "attributes": {"secrets_encryption": enc}}]}}

test_no_encryption_fails if {
	count(eks_03.deny) == 1 with input as inp({"resources": [], "key_arn": null})
}

test_cmk_passes if {
	count(eks_03.deny) == 0 with input as inp({"resources": ["secrets"], "key_arn": {"__unknown__": "aws_kms_key.eks.arn"}})
}
