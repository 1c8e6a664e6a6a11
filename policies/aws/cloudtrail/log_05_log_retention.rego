# METADATA
# title: Audit logs are kept at least as long as the record-retention period
# description: >-
#   A record of access must be kept as long as the education record itself (99.32(a)(2)).
#   CloudWatch log groups keep events for at least 365 days (or never expire them). The period
#   is configurable per institution with the `log_retention_days` setting.
# custom:
#   id: LOG-05
#   severity: medium
#   resource_types: [aws_cloudwatch_log_group]
#   reads: [retention_in_days]
#   remediation: Set retention_in_days to 365 or more (or 0 to never expire).
#   controls:
#     ferpa: ["99.32(a)(2)"]
#     nist_800_53: [AU-11, SI-12]
#   equivalents:
#     checkov: [CKV_AWS_338, CKV_AWS_66]
#     prowler: [cloudwatch_log_group_retention_policy_specific_days_enabled]
package rampart.aws.cloudtrail.log_05

import data.rampart.lib

default minimum_days := 365

minimum_days := data.rampart.config.log_retention_days

deny contains lib.finding(g, "retention_in_days", sprintf("log events are kept %d days, fewer than %d", [d, minimum_days])) if {
	some g in lib.resources("aws_cloudwatch_log_group")
	d := g.attributes.retention_in_days
	is_number(d)
	d > 0
	d < minimum_days
}
