package rampart.aws.elb.tls_03_test

import data.rampart.aws.elb.tls_03

inp(attrs) := {"resources_by_type": {"aws_lb_listener": [{"uid": "l", "attributes": attrs}]}}

test_default_policy_fails if {
	count(tls_03.deny) == 1 with input as inp({"protocol": "HTTPS", "ssl_policy": null, "default_actions": []})
}

test_tls13_policy_passes if {
	count(tls_03.deny) == 0 with input as inp({"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "default_actions": []})
}

test_http_forward_fails_and_redirect_passes if {
	count(tls_03.deny) == 1 with input as inp({"protocol": "HTTP", "default_actions": [{"type": "forward"}]})
	count(tls_03.deny) == 0 with input as inp({"protocol": "HTTP", "default_actions": [{"type": "redirect", "redirect_protocol": "HTTPS"}]})
}
