package rampart.aws.eks.eks_01_test

import data.rampart.aws.eks.eks_01

inp(attrs) := {"resources_by_type": {"aws_eks_cluster": [{"uid": "c", "attributes": attrs}]}}

test_provider_defaults_fail_twice if {
	count(eks_01.deny) == 2 with input as inp({"endpoint_public_access": true, "endpoint_private_access": false, "public_access_cidrs": ["0.0.0.0/0"]})
}

test_private_only_passes if {
	count(eks_01.deny) == 0 with input as inp({"endpoint_public_access": false, "endpoint_private_access": true, "public_access_cidrs": ["0.0.0.0/0"]})
}

test_restricted_public_passes if {
	count(eks_01.deny) == 0 with input as inp({"endpoint_public_access": true, "endpoint_private_access": true, "public_access_cidrs": ["203.0.113.0/24"]})
}
