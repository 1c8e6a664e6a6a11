# METADATA
# title: The root user has MFA, no access keys, and is not used day to day
# description: >-
#   The root user can do anything, including closing the account, and no policy limits it. From the
#   credential report's root row: MFA is active, neither access key is active, and neither its
#   password nor a key was used in the last 30 days (use of root is for the few tasks that need it).
#   Read live, the account's virtual MFA devices also tell whether root's MFA is a virtual device
#   where CIS asks for hardware; the credential report alone does not say.
# custom:
#   id: IAM-04
#   severity: critical
#   resource_types: [aws_iam_user_credentials]
#   reads: [root, mfa_active, mfa_virtual, access_keys]
#   remediation: Delete the root access keys, enable (hardware) MFA on root, and do daily work through roles; with AWS Organizations, enable centralized root access management.
#   controls:
#     ferpa: ["99.31(c)"]
#     cis_aws: ["1.4", "1.5", "1.6", "1.7"]
#     nist_800_53: ["AC-6(2)", "IA-2(1)", AC-2]
#   equivalents:
#     checkov: [CKV_AWS_348]
#     prowler: [iam_no_root_access_key, iam_root_mfa_enabled, iam_root_hardware_mfa_enabled, iam_avoid_root_usage]
package rampart.aws.iam.iam_04

import data.rampart.lib

# Root used more recently than this many days ago is daily use.
recent_days := 30

applies contains r.uid if {
	some r in lib.resources("aws_iam_user_credentials")
	r.attributes.root == true
}

deny contains lib.finding(r, "mfa_active", "the root user has no MFA device") if {
	some uid in applies
	r := lib.resource(uid)
	r.attributes.mfa_active != true
}

deny contains {"uid": r.uid, "key": sprintf("key%d", [k.number]), "path": sprintf("access_keys.%d.active", [i]), "msg": sprintf("root access key %d is active", [k.number])} if {
	some uid in applies
	r := lib.resource(uid)
	some i, k in r.attributes.access_keys
	k.active == true
}

deny contains {"uid": r.uid, "key": "recent_use", "path": path, "msg": sprintf("the root user was used %d day(s) ago (%s)", [days, path])} if {
	some uid in applies
	r := lib.resource(uid)
	some path, days in object.get(r.derived, "age_days", {})
	path in {"password_last_used", "access_keys.0.last_used", "access_keys.1.last_used"}
	days < recent_days
}

deny contains lib.finding(r, "mfa_virtual", "the root user's MFA is a virtual device, not a hardware one") if {
	some uid in applies
	r := lib.resource(uid)
	r.attributes.mfa_active == true
	r.attributes.mfa_virtual == true
}
