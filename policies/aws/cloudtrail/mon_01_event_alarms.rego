# METADATA
# title: CloudTrail events that matter raise an alarm
# description: >-
#   CIS AWS Foundations section 4 asks for a CloudWatch Logs metric filter and an alarm for each
#   kind of event an attacker or a mistake leaves in CloudTrail: unauthorized API calls, console
#   sign-in without MFA, use of the root user, IAM policy changes, CloudTrail and AWS Config
#   changes, console authentication failures, disabled or deleted KMS keys, S3 bucket policy
#   changes, and changes to security groups, network ACLs, gateways, route tables, VPCs and
#   AWS Organizations. A trail delivers its events to a log group
#   (`cloud_watch_logs_group_arn`); a metric filter on that group whose pattern names the
#   family's events, and a metric alarm with actions on the filter's metric, watch for them. Each
#   trail fails with the families no trail in the configuration watches. A log group that is
#   not declared in the configuration, or a pattern known only after apply, is an error: what it
#   watches is not known. The rule judges Terraform for now: the live collector does not read
#   metric filters and alarms yet, so a live trail gets no MON-01 result, neither pass nor fail.
# custom:
#   id: MON-01
#   severity: medium
#   resource_types: [aws_cloudtrail]
#   reads: [derived.metric_filters, derived.metric_filters.*.pattern, derived.metric_filters.*.alarmed]
#   remediation: >-
#     Set cloud_watch_logs_group_arn (and cloud_watch_logs_role_arn) on a multi-region trail, and
#     for each missing family add an aws_cloudwatch_log_metric_filter on that log group with the
#     CIS pattern and an aws_cloudwatch_metric_alarm on its metric whose alarm_actions notify an
#     SNS topic someone reads.
#   controls:
#     ferpa: ["99.32(a)"]
#     cis_aws: ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13", "4.14", "4.15"]
#     nist_800_53: [AU-6, SI-4]
#   equivalents:
#     checkov: [CKV2_AWS_10]
package rampart.aws.cloudtrail.mon_01

import data.rampart.lib

# Each CIS 4.x family: the words its pattern must name (the events, or the fields it tests).
families := {
	"4.1": {"what": "unauthorized API calls", "words": ["UnauthorizedOperation", "AccessDenied"]},
	"4.2": {"what": "console sign-in without MFA", "words": ["ConsoleLogin", "MFAUsed"]},
	"4.3": {"what": "use of the root user", "words": ["userIdentity.type", "Root"]},
	"4.4": {"what": "IAM policy changes", "words": ["PutRolePolicy", "PutUserPolicy", "PutGroupPolicy", "CreatePolicyVersion", "AttachRolePolicy", "AttachUserPolicy", "AttachGroupPolicy"]},
	"4.5": {"what": "CloudTrail configuration changes", "words": ["UpdateTrail", "DeleteTrail", "StopLogging"]},
	"4.6": {"what": "console authentication failures", "words": ["ConsoleLogin", "Failed authentication"]},
	"4.7": {"what": "disabled or scheduled deletion of KMS keys", "words": ["DisableKey", "ScheduleKeyDeletion"]},
	"4.8": {"what": "S3 bucket policy changes", "words": ["PutBucketAcl", "PutBucketPolicy", "DeleteBucketPolicy"]},
	"4.9": {"what": "AWS Config configuration changes", "words": ["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutConfigurationRecorder"]},
	"4.10": {"what": "security group changes", "words": ["AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "CreateSecurityGroup", "DeleteSecurityGroup"]},
	"4.11": {"what": "network ACL changes", "words": ["CreateNetworkAclEntry", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"]},
	"4.12": {"what": "network gateway changes", "words": ["CreateCustomerGateway", "AttachInternetGateway", "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"]},
	"4.13": {"what": "route table changes", "words": ["CreateRoute", "ReplaceRoute", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"]},
	"4.14": {"what": "VPC changes", "words": ["CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "CreateVpcPeeringConnection"]},
	"4.15": {"what": "AWS Organizations changes", "words": ["organizations.amazonaws.com", "CreateAccount", "LeaveOrganization", "RemoveAccountFromOrganization", "UpdatePolicy"]},
}

# The trails whose metric filters were read (Terraform's, for now).
trails := [t | some t in lib.resources("aws_cloudtrail"); "metric_filters" in object.keys(object.get(t, "derived", {}))]

applies contains t.uid if {
	some t in trails
}

# Every trail's filters are known: no log group left out of the configuration, no unknown
# pattern. Otherwise the trails are not judged here (their reads make them errors).
all_known if {
	every t in trails {
		filters := t.derived.metric_filters
		is_array(filters)
		every f in filters {
			is_string(f.pattern)
		}
	}
}

watched contains id if {
	some id, family in families
	some t in trails
	some f in t.derived.metric_filters
	f.alarmed == true
	every word in family.words {
		contains(f.pattern, word)
	}
}

missing := [sprintf("%s (%s)", [families[id].what, id]) | some id in sort_ids; not id in watched]

sort_ids := ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13", "4.14", "4.15"]

deny contains lib.finding(t, where(t), msg) if {
	all_known
	count(missing) > 0
	some t in trails
	msg := sprintf("%sno metric filter with an alarm watches for %s", [delivery(t), concat(", ", missing)])
}

# What is watched is judged across every trail: while one trail's filters are not known, no
# trail's verdict is.
error contains lib.finding(t, where(t), "what the trails watch is not known: a trail's log group is not in this configuration, or a metric filter's pattern is known only after apply") if {
	not all_known
	some t in trails
}

delivery(t) := "trail delivers no events to CloudWatch Logs, so " if {
	t.derived.metric_filters == []
	object.get(t.attributes, "cloud_watch_logs_group_arn", null) == null
} else := ""

# The line a finding points at: the log group setting when it is written out, else the trail (an
# ARN built from a reference is known only after apply; the filters it leads to are known).
where(t) := "cloud_watch_logs_group_arn" if {
	is_string(object.get(t.attributes, "cloud_watch_logs_group_arn", null))
} else := ""
