package rampart.aws.eks.eks_02_test

import data.rampart.aws.eks.eks_02

inp(types) := {"resources_by_type": {"aws_eks_cluster": [{"uid": "c", "attributes": {"enabled_log_types": types}}]}}

test_partial_logging_fails if {
	count(eks_02.deny) == 1 with input as inp(["api", "audit"])
}

test_all_types_pass if {
	count(eks_02.deny) == 0 with input as inp(["api", "audit", "authenticator", "controllerManager", "scheduler"])
}
