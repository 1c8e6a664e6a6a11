# METADATA
# title: CloudTrail trails are multi-region, logging, and record all management events
# description: >-
#   A trail records API activity in every region (is_multi_region_trail), is logging, and its
#   management events cover reads and writes. Read events matter for FERPA: they show who listed
#   and read the data stores. Judged on trails the configuration declares.
# custom:
#   id: LOG-01
#   severity: high
#   resource_types: [aws_cloudtrail]
#   reads: [is_multi_region_trail, is_logging, event_selectors, advanced_event_selectors]
#   remediation: Set is_multi_region_trail = true and enable_logging = true, and leave event selectors at read_write_type = "All" with management events included.
#   controls:
#     ferpa: ["99.32(a)", "99.31(a)(1)(ii)"]
#     cis_aws: ["3.1"]
#     nist_800_53: [AU-2, AU-3, AU-12]
#   equivalents:
#     checkov: [CKV_AWS_67, CKV_AWS_251]
#     prowler: [cloudtrail_multi_region_enabled, cloudtrail_multi_region_enabled_logging_management_events]
package rampart.aws.cloudtrail.log_01

import data.rampart.lib

deny contains lib.finding(t, "is_multi_region_trail", "trail records only its home region") if {
	some t in lib.resources("aws_cloudtrail")
	t.attributes.is_multi_region_trail == false
}

deny contains lib.finding(t, "is_logging", "trail is not logging") if {
	some t in lib.resources("aws_cloudtrail")
	t.attributes.is_logging == false
}

all_management_events(t) if {
	some sel in t.attributes.event_selectors
	sel.include_management_events == true
	sel.read_write_type == "All"
}

all_management_events(t) if {
	some sel in t.attributes.advanced_event_selectors
	some f in sel.field_selectors
	f.field == "eventCategory"
	"Management" in f.equals
	not read_only_restricted(sel)
}

read_only_restricted(sel) if {
	some f in sel.field_selectors
	f.field == "readOnly"
	count(f.equals) > 0
}

deny contains lib.finding(t, "event_selectors", "trail does not record both read and write management events") if {
	some t in lib.resources("aws_cloudtrail")
	not all_management_events(t)
}
