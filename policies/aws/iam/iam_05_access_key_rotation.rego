# METADATA
# title: Access keys are rotated within 90 days, and a user has at most one active key
# description: >-
#   A long-lived access key is a password that never expires and is easy to leak into code, logs or
#   laptops. From the credential report: every active key was created or rotated within 90 days,
#   and no user keeps two active keys (the second is meant only for the minutes of a rotation).
# custom:
#   id: IAM-05
#   severity: medium
#   resource_types: [aws_iam_user_credentials]
#   reads: [access_keys]
#   remediation: Rotate the key (create a new one, move the workload, deactivate and delete the old one), or replace the user by a role.
#   controls:
#     ferpa: ["99.31(c)"]
#     cis_aws: ["1.13", "1.14"]
#     nist_800_53: ["IA-5(1)", AC-2]
#   equivalents:
#     prowler: [iam_rotate_access_key_90_days, iam_user_two_active_access_key]
package rampart.aws.iam.iam_05

import data.rampart.lib

max_age_days := 90

active_keys(r) := [[i, k] | some i, k in r.attributes.access_keys; k.active == true]

applies contains r.uid if {
	some r in lib.resources("aws_iam_user_credentials")
	count(active_keys(r)) > 0
}

deny contains {"uid": r.uid, "key": sprintf("key%d", [k.number]), "path": path, "msg": sprintf("access key %d was last rotated %d days ago", [k.number, days])} if {
	some uid in applies
	r := lib.resource(uid)
	some [i, k] in active_keys(r)
	path := sprintf("access_keys.%d.last_rotated", [i])
	days := r.derived.age_days[path]
	days > max_age_days
}

deny contains {"uid": r.uid, "key": "two_active", "path": "access_keys", "msg": "the user has two active access keys"} if {
	some uid in applies
	r := lib.resource(uid)
	count(active_keys(r)) > 1
}
