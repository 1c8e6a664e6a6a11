package rampart.aws.ec2.iam_14_test

import data.rampart.aws.ec2.iam_14

res(rtype, options) := {"uid": "r", "type": rtype, "attributes": {"metadata_options": options}}

inp(r) := {"resources_by_type": {r.type: [r]}}

test_optional_tokens_fail_on_instances_and_launch_templates if {
	every rtype in ["aws_instance", "aws_launch_template", "aws_launch_configuration"] {
		count(iam_14.deny) == 1 with input as inp(res(rtype, {"http_endpoint": "enabled", "http_tokens": "optional"}))
	}
}

test_required_tokens_pass if {
	count(iam_14.deny) == 0 with input as inp(res("aws_instance", {"http_endpoint": "enabled", "http_tokens": "required"}))
}

test_a_disabled_metadata_service_passes if {
	count(iam_14.deny) == 0 with input as inp(res("aws_instance", {"http_endpoint": "disabled", "http_tokens": "optional"}))
}

test_the_default_says_so if {
	r := object.union(res("aws_instance", {"http_endpoint": "enabled", "http_tokens": "optional"}), {"defaults": ["metadata_options"]})
	some f in iam_14.deny with input as inp(r)
	contains(f.msg, "AWS's default")
}

test_unknown_settings_are_not_judged_here if {
	count(iam_14.deny) == 0 with input as inp(res("aws_instance", {"__unknown__": "var.options"}))
	count(iam_14.deny) == 0 with input as inp(res("aws_instance", {"http_endpoint": {"__unknown__": "var.endpoint"}, "http_tokens": "optional"}))
}

# A look-alike: a different attribute named like the setting is not read.
test_hop_limit_alone_does_not_decide if {
	count(iam_14.deny) == 1 with input as inp(res("aws_launch_template", {"http_endpoint": "enabled", "http_tokens": "optional", "http_put_response_hop_limit": 1}))
}
