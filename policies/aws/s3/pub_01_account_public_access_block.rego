# METADATA
# title: S3 Block Public Access is on at the account level
# description: >-
#   All four account-level Block Public Access settings are on, so no bucket in the account can
#   be made public by a policy or ACL, whatever its own settings.
# custom:
#   id: PUB-01
#   severity: high
#   resource_types: [aws_s3_account_public_access_block]
#   reads: [block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets]
#   remediation: Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to true in aws_s3_account_public_access_block.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)", "99.33(a)"]
#     cis_aws: ["2.1.4"]
#     nist_800_53: [AC-3, SC-7]
#   equivalents:
#     prowler: [s3_account_level_public_access_blocks]
package rampart.aws.s3.pub_01

import data.rampart.lib

settings := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

deny contains lib.finding(r, k, sprintf("account-level %s is not enabled", [k])) if {
	some r in lib.resources("aws_s3_account_public_access_block")
	some k in settings
	r.attributes[k] == false
}

error contains lib.finding(r, k, sprintf("%s is known only after apply", [k])) if {
	some r in lib.resources("aws_s3_account_public_access_block")
	some k in settings
	lib.is_unknown(r.attributes[k])
}
