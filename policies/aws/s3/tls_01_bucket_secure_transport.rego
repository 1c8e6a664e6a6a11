# METADATA
# title: S3 bucket policies deny requests that do not use TLS
# description: >-
#   A bucket policy must deny every request made without TLS (Deny, Principal *, Action s3:*,
#   Condition Bool aws:SecureTransport = false). Buckets holding FERPA data must also deny TLS
#   versions below 1.2 (NumericLessThan s3:TlsVersion 1.2).
# custom:
#   id: TLS-01
#   severity: high
#   resource_types: [aws_s3_bucket]
#   reads: [policy]
#   remediation: >-
#     Add an aws_s3_bucket_policy with a Deny statement for "s3:*" on the bucket and its objects
#     when aws:SecureTransport is "false"; for FERPA buckets add a second Deny when
#     s3:TlsVersion is NumericLessThan 1.2.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["2.1.1"]
#     nist_800_53: [SC-8, SC-8(1)]
#   equivalents:
#     checkov: [CKV_AWS_379]
#     prowler: [s3_bucket_secure_transport_policy]
package rampart.aws.s3.tls_01

import data.rampart.lib

denies_everyone(st) if {
	st.Effect == "Deny"
	"*" in lib.principal_values(st)
	some a in st.Action
	a in {"s3:*", "*"}
}

denies_insecure_transport(doc) if {
	some st in lib.statements(doc)
	denies_everyone(st)
	some v in st.Condition.Bool["aws:SecureTransport"]
	lower(sprintf("%v", [v])) == "false"
}

denies_old_tls(doc) if {
	some st in lib.statements(doc)
	denies_everyone(st)
	some v in st.Condition.NumericLessThan["s3:TlsVersion"]
	to_number(v) >= 1.2
}

deny contains lib.finding(b, "policy", "bucket policy does not deny requests made without TLS (aws:SecureTransport = false)") if {
	some b in lib.resources("aws_s3_bucket")
	not lib.is_unknown(b.attributes.policy)
	not denies_insecure_transport(b.attributes.policy)
}

deny contains lib.finding(b, "policy", "bucket holds FERPA data but its policy does not deny TLS versions below 1.2") if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
	not lib.is_unknown(b.attributes.policy)
	denies_insecure_transport(b.attributes.policy)
	not denies_old_tls(b.attributes.policy)
}

error contains lib.finding(b, "policy", "bucket policy is known only after apply") if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_unknown(b.attributes.policy)
}
