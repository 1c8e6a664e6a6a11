# METADATA
# title: Object-level reads and writes on FERPA buckets are logged by CloudTrail
# description: >-
#   FERPA 99.32 requires a record of each request for and disclosure of an education record. For
#   a bucket holding student records, a CloudTrail trail declared in the same configuration must
#   log S3 data events (read and write) for that bucket or for all buckets, through basic or
#   advanced event selectors. When the configuration declares no trail at all, the rule does not
#   apply (the trail is usually managed with the organization's logging account).
# custom:
#   id: LOG-03
#   severity: high
#   resource_types: [aws_s3_bucket]
#   reads: [bucket]
#   remediation: >-
#     Add an event_selector with data_resource { type = "AWS::S3::Object", values =
#     ["${aws_s3_bucket.records.arn}/"] } and read_write_type = "All" to the trail, or an
#     advanced_event_selector with eventCategory Data and resources.type AWS::S3::Object.
#   controls:
#     ferpa: ["99.32(a)(1)", "99.32(a)(3)"]
#     cis_aws: ["3.8", "3.9"]
#     nist_800_53: [AU-2, AU-12, AU-3]
#   equivalents:
#     prowler: [cloudtrail_s3_dataevents_write_enabled, cloudtrail_s3_dataevents_read_enabled]
package rampart.aws.s3.log_03

import data.rampart.lib

trails := lib.resources("aws_cloudtrail")

applies contains b.uid if {
	count(trails) > 0
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
}

bucket_arn(b) := sprintf("arn:aws:s3:::%s", [b.attributes.bucket])

covers(value, b) if value in {"arn:aws:s3", "arn:aws:s3:::"}

covers(value, b) if {
	is_string(b.attributes.bucket)
	startswith(value, bucket_arn(b))
}

covers(value, b) if {
	lib.is_unknown(value)
	contains(value.__unknown__, b.address)
}

logged_by_basic(b) if {
	some t in trails
	some sel in t.attributes.event_selectors
	sel.read_write_type == "All"
	some d in sel.data_resources
	d.type == "AWS::S3::Object"
	some v in d.values
	covers(v, b)
}

# An advanced selector on S3 object data events, not limited to read-only or write-only, and not
# limited to other buckets.
logged_by_advanced(b) if {
	some t in trails
	some sel in t.attributes.advanced_event_selectors
	some f in sel.field_selectors
	f.field == "resources.type"
	"AWS::S3::Object" in f.equals
	not restricts_read_only(sel)
	not excludes_bucket(sel, b)
}

restricts_read_only(sel) if {
	some f in sel.field_selectors
	f.field == "readOnly"
	count(f.equals) > 0
}

excludes_bucket(sel, b) if {
	some f in sel.field_selectors
	f.field == "resources.ARN"
	count(array.concat(f.equals, f.starts_with)) > 0
	not arn_listed(array.concat(f.equals, f.starts_with), b)
}

arn_listed(values, b) if {
	some v in values
	covers(v, b)
}

deny contains lib.finding(b, "bucket", "no CloudTrail trail logs S3 object-level read and write events for this FERPA bucket") if {
	some uid in applies
	b := lib.resource(uid)
	not logged_by_basic(b)
	not logged_by_advanced(b)
}
