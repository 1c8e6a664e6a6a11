# METADATA
# title: Unused credentials, roles and service grants are removed
# description: >-
#   Access that nobody uses is access without a legitimate educational interest, and the first thing
#   an attacker looks for. From the credential report: an enabled console password or an active
#   access key that has not been used for 45 days (or was never used and is 45 days old). From the
#   live authorization details: a role not used for 90 days. From service-last-accessed data: a
#   service a role or user is granted but has not used for 90 days, with the services a narrower
#   policy would keep.
# custom:
#   id: IAM-06
#   severity: medium
#   resource_types: [aws_iam_user_credentials, aws_iam_role, aws_iam_user]
#   reads: [root, password_enabled, access_keys, last_used, services_last_accessed]
#   remediation: Remove the console password or deactivate the key; delete roles nobody assumes; cut policies down to the services in use.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["1.12"]
#     nist_800_53: ["AC-2(3)", "AC-2(j)"]
#   equivalents:
#     prowler: [iam_user_accesskey_unused, iam_user_console_access_unused]
package rampart.aws.iam.iam_06

import data.rampart.lib

max_idle_days := 45

# Roles and service grants: the window IAM Access Analyzer's unused-access findings default to.
max_unused_days := 90

ages(r) := object.get(r.derived, "age_days", {})

# Days since last use; for a credential never used, days since it was set.
idle_days(r, used, set) := ages(r)[used]

idle_days(r, used, set) := ages(r)[set] if not ages(r)[used]

applies contains r.uid if {
	some r in lib.resources("aws_iam_user_credentials")
	not r.attributes.root
	credentials(r)
}

# Roles read from a live account carry `last_used` (null when never used); Terraform roles do not.
applies contains r.uid if {
	some r in lib.resources("aws_iam_role")
	"last_used" in object.keys(r.attributes)
}

applies contains r.uid if {
	some t in ["aws_iam_role", "aws_iam_user"]
	some r in lib.resources(t)
	count(object.get(r.attributes, "services_last_accessed", [])) > 0
}

credentials(r) if r.attributes.password_enabled == true

credentials(r) if {
	some k in r.attributes.access_keys
	k.active == true
}

deny contains {"uid": r.uid, "key": "password", "path": "password_last_used", "msg": sprintf("the console password has not been used for %d days", [days])} if {
	some uid in applies
	r := lib.resource(uid)
	r.attributes.password_enabled == true
	days := idle_days(r, "password_last_used", "password_last_changed")
	days >= max_idle_days
}

deny contains {"uid": r.uid, "key": sprintf("key%d", [k.number]), "path": used, "msg": sprintf("access key %d has not been used for %d days", [k.number, days])} if {
	some uid in applies
	r := lib.resource(uid)
	some i, k in r.attributes.access_keys
	k.active == true
	used := sprintf("access_keys.%d.last_used", [i])
	days := idle_days(r, used, sprintf("access_keys.%d.last_rotated", [i]))
	days >= max_idle_days
}

deny contains {"uid": r.uid, "key": "role", "path": "last_used", "msg": sprintf("the role has not been used for %d days", [days])} if {
	some uid in applies
	r := lib.resource(uid)
	r.type == "aws_iam_role"
	"last_used" in object.keys(r.attributes)
	days := idle_days(r, "last_used", "created")
	days >= max_unused_days
}

deny contains {"uid": r.uid, "key": sprintf("service:%s", [s.service]), "path": path, "msg": msg} if {
	some uid in applies
	r := lib.resource(uid)
	some i, s in object.get(r.attributes, "services_last_accessed", [])
	path := sprintf("services_last_accessed.%d", [i])
	days := idle_days(r, sprintf("%s.last_accessed", [path]), "created")
	days >= max_unused_days
	msg := sprintf("%s (%s) is granted but unused for %d days; %s", [s.service, s.name, days, keep(r)])
}

used_services(r) := sort([s.service |
	some i, s in r.attributes.services_last_accessed
	ages(r)[sprintf("services_last_accessed.%d.last_accessed", [i])] < max_unused_days
])

keep(r) := sprintf("a policy limited to the services in use would keep %s", [concat(", ", used_services(r))]) if count(used_services(r)) > 0

keep(r) := "nothing granted is in use" if count(used_services(r)) == 0
