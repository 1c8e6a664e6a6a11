package rampart.aws.cloudtrail.mon_01_test

import data.rampart.aws.cloudtrail.mon_01

trail(filters) := {"uid": "t", "type": "aws_cloudtrail", "attributes": {"cloud_watch_logs_group_arn": "arn:aws:logs:us-east-1:1:log-group:trail:*"}, "derived": {"metric_filters": filters}}

inp(t) := {"resources_by_type": {"aws_cloudtrail": [t]}}

# One filter per family, with the CIS pattern's words. Tests bind the input to a local first:
# regorus evaluates an input rule that reads the rule package under test wrongly inside `with`.
every_family := [{"pattern": concat(" ", f.words), "alarmed": true} | some f in mon_01.families]

test_a_trail_without_cloudwatch_delivery_fails_for_every_family if {
	t := {"uid": "t", "type": "aws_cloudtrail", "attributes": {}, "derived": {"metric_filters": []}}
	some f in mon_01.deny with input as inp(t)
	startswith(f.msg, "trail delivers no events to CloudWatch Logs")
	contains(f.msg, "unauthorized API calls (4.1)")
	contains(f.msg, "AWS Organizations changes (4.15)")
}

test_every_family_watched_with_alarms_passes if {
	i := inp(trail(every_family))
	count(mon_01.deny) == 0 with input as i
}

test_a_filter_without_an_alarm_does_not_watch if {
	filters := array.concat([{"pattern": "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }", "alarmed": false}], [f | some f in every_family; not contains(f.pattern, "AccessDenied")])
	i := inp(trail(filters))
	some f in mon_01.deny with input as i
	f.msg == "no metric filter with an alarm watches for unauthorized API calls (4.1)"
}

test_an_unknown_log_group_or_pattern_is_an_error_for_every_trail if {
	unknown_group := {"uid": "u", "type": "aws_cloudtrail", "attributes": {}, "derived": {"metric_filters": {"__unknown__": "not in this configuration"}}}
	inp2 := {"resources_by_type": {"aws_cloudtrail": [trail([]), unknown_group]}}
	count(mon_01.deny) == 0 with input as inp2
	count(mon_01.error) == 2 with input as inp2
	count(mon_01.error) == 1 with input as inp(trail([{"pattern": {"__unknown__": "var.pattern"}, "alarmed": true}]))
}

test_a_trail_whose_filters_were_not_read_is_not_judged if {
	i := inp({"uid": "live", "type": "aws_cloudtrail", "attributes": {}, "derived": {}})
	count(mon_01.applies) == 0 with input as i
	count(mon_01.deny) == 0 with input as i
}
