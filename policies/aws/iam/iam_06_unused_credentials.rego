# METADATA
# title: Credentials unused for 45 days are disabled
# description: >-
#   Access that nobody uses is access without a legitimate educational interest, and the first thing
#   an attacker looks for. From the credential report: an enabled console password or an active
#   access key that has not been used for 45 days (or was never used and is 45 days old).
# custom:
#   id: IAM-06
#   severity: medium
#   resource_types: [aws_iam_user_credentials]
#   remediation: Remove the console password or deactivate the key; remove the user when nobody needs it.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["1.12"]
#     nist_800_53: ["AC-2(3)", "AC-2(j)"]
package rampart.aws.iam.iam_06

import data.rampart.lib

max_idle_days := 45

ages(r) := object.get(r.derived, "age_days", {})

# Days since last use; for a credential never used, days since it was set.
idle_days(r, used, set) := ages(r)[used]

idle_days(r, used, set) := ages(r)[set] if not ages(r)[used]

applies contains r.uid if {
	some r in lib.resources("aws_iam_user_credentials")
	not r.attributes.root
	credentials(r)
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
