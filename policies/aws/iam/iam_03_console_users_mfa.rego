# METADATA
# title: Every IAM user with a console password has MFA
# description: >-
#   A console password alone is one phishing email away from the data. From the credential report:
#   a user whose password is enabled must have an active MFA device.
# custom:
#   id: IAM-03
#   severity: high
#   resource_types: [aws_iam_user_credentials]
#   reads: [root, password_enabled, mfa_active]
#   remediation: Enable an MFA device for the user, or remove the console password and sign in through IAM Identity Center.
#   controls:
#     ferpa: ["99.31(c)", "99.31(a)(1)(ii)"]
#     cis_aws: ["1.10"]
#     nist_800_53: ["IA-2(1)", "IA-2(2)"]
#   equivalents:
#     prowler: [iam_user_mfa_enabled_console_access]
package rampart.aws.iam.iam_03

import data.rampart.lib

applies contains r.uid if {
	some r in lib.resources("aws_iam_user_credentials")
	not r.attributes.root
	r.attributes.password_enabled == true
}

deny contains lib.finding(r, "mfa_active", "the user has a console password and no MFA device") if {
	some uid in applies
	r := lib.resource(uid)
	r.attributes.mfa_active != true
}
