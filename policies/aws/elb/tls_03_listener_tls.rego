# METADATA
# title: Load balancer listeners use TLS 1.2+ and HTTP only redirects to HTTPS
# description: >-
#   HTTPS and TLS listeners use a security policy that allows only TLS 1.2 or later
#   (ELBSecurityPolicy-TLS13-*, -TLS-1-2-*, -FS-1-2-*). An HTTP listener only redirects to HTTPS.
#   The provider's default policy, ELBSecurityPolicy-2016-08, still allows TLS 1.0.
# custom:
#   id: TLS-03
#   severity: high
#   resource_types: [aws_lb_listener]
#   reads: [protocol, ssl_policy, default_actions]
#   remediation: Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06" on HTTPS listeners, and make HTTP listeners' default_action a redirect with protocol = "HTTPS".
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_eks: ["5.4.5"]
#     nist_800_53: [SC-8, SC-8(1), SC-13]
#   equivalents:
#     checkov: [CKV_AWS_2, CKV_AWS_103, CKV2_AWS_20]
#     prowler: [elbv2_ssl_listeners, elbv2_insecure_ssl_ciphers]
package rampart.aws.elb.tls_03

import data.rampart.lib

modern(policy) if regex.match(`^ELBSecurityPolicy-(TLS13-|TLS-1-2-|FS-1-2-)`, policy)

deny contains lib.finding(l, "ssl_policy", sprintf("TLS policy %v allows TLS versions below 1.2", [policy])) if {
	some l in lib.resources("aws_lb_listener")
	l.attributes.protocol in {"HTTPS", "TLS"}
	policy := object.get(l.attributes, "ssl_policy", null)
	not lib.is_unknown(policy)
	not modern(policy_or_default(policy))
}

policy_or_default(p) := p if p != null

policy_or_default(null) := "ELBSecurityPolicy-2016-08"

redirects_to_https(l) if {
	some a in l.attributes.default_actions
	a.type == "redirect"
	a.redirect_protocol == "HTTPS"
}

deny contains lib.finding(l, "default_actions", "HTTP listener serves traffic instead of redirecting to HTTPS") if {
	some l in lib.resources("aws_lb_listener")
	l.attributes.protocol == "HTTP"
	not redirects_to_https(l)
}
