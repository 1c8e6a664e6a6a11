# METADATA
# title: Server access logging is on for FERPA buckets and CloudTrail log buckets
# description: >-
#   S3 server access logs record every request against a bucket, including those CloudTrail data
#   events do not capture (e.g. anonymous or failed requests). They are required on buckets that
#   hold education records and on the bucket that receives CloudTrail logs.
# custom:
#   id: LOG-04
#   severity: medium
#   resource_types: [aws_s3_bucket]
#   reads: [logging, logging.enabled]
#   remediation: Add aws_s3_bucket_logging with a target_bucket dedicated to access logs.
#   controls:
#     ferpa: ["99.32(a)"]
#     cis_aws: ["3.4"]
#     nist_800_53: [AU-2, AU-12]
#   equivalents:
#     checkov: [CKV_AWS_18]
#     prowler: [s3_bucket_server_access_logging_enabled, cloudtrail_logs_s3_bucket_access_logging_enabled]
package rampart.aws.s3.log_04

import data.rampart.lib

trail_buckets := {t.attributes.s3_bucket_name | some t in lib.resources("aws_cloudtrail")}

applies contains b.uid if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
}

applies contains b.uid if {
	some b in lib.resources("aws_s3_bucket")
	b.attributes.bucket in trail_buckets
}

deny contains lib.finding(b, "logging", "server access logging is not enabled") if {
	some uid in applies
	b := lib.resource(uid)
	b.attributes.logging.enabled == false
}
