package rampart.aws.s3.tls_01_test

import data.rampart.aws.s3.tls_01

tls_deny := {"Effect": "Deny", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"], "Resource": ["*"], "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}

old_tls_deny := {"Effect": "Deny", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"], "Resource": ["*"], "Condition": {"NumericLessThan": {"s3:TlsVersion": ["1.2"]}}}

inp(policy, class) := {"resources_by_type": {"aws_s3_bucket": [{"uid": "b", "attributes": {"policy": policy}, "derived": {"classification": class}}]}}

test_no_policy_fails if {
	count(tls_01.deny) == 1 with input as inp(null, "public")
}

test_secure_transport_deny_passes_for_non_ferpa if {
	count(tls_01.deny) == 0 with input as inp({"Statement": [tls_deny]}, "internal")
}

test_ferpa_needs_tls_1_2_too if {
	count(tls_01.deny) == 1 with input as inp({"Statement": [tls_deny]}, "ferpa")
	count(tls_01.deny) == 0 with input as inp({"Statement": [tls_deny, old_tls_deny]}, "ferpa")
}

test_unknown_policy_is_error if {
	count(tls_01.error) == 1 with input as inp({"__unknown__": "data.x.json"}, "ferpa")
}
