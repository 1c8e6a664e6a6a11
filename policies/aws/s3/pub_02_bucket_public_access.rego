# METADATA
# title: Buckets block public access and grant nothing to AllUsers or AuthenticatedUsers
# description: >-
#   Bucket-level Block Public Access stays on (the AWS default for new buckets since 2023, so an
#   unconfigured bucket passes), no ACL grants access to everyone or to any AWS account holder,
#   and buckets holding FERPA data disable ACLs altogether (ObjectOwnership BucketOwnerEnforced).
# custom:
#   id: PUB-02
#   severity: high
#   resource_types: [aws_s3_bucket]
#   reads: [public_access_block, public_access_block.*, acl, acl.canned, acl.grants, ownership_controls.object_ownership]
#   remediation: >-
#     Keep all four settings of aws_s3_bucket_public_access_block true, remove public-read /
#     public-read-write / authenticated-read ACLs and AllUsers/AuthenticatedUsers grants, and set
#     aws_s3_bucket_ownership_controls to BucketOwnerEnforced.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["2.1.4"]
#     nist_800_53: [AC-3, AC-6]
#   equivalents:
#     checkov: [CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56, CKV2_AWS_6, CKV_AWS_20, CKV_AWS_57, CKV2_AWS_65, CKV2_AWS_43, CKV_AWS_375]
#     prowler: [s3_bucket_level_public_access_block, s3_bucket_public_access, s3_bucket_public_list_acl, s3_bucket_public_write_acl, s3_bucket_acl_prohibited]
package rampart.aws.s3.pub_02

import data.rampart.lib

settings := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

public_canned := {"public-read", "public-read-write", "authenticated-read"}

public_groups := {"http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}

deny contains lib.finding(b, sprintf("public_access_block.%s", [k]), sprintf("%s is disabled", [k])) if {
	some b in lib.resources("aws_s3_bucket")
	some k in settings
	b.attributes.public_access_block[k] == false
}

deny contains lib.finding(b, "acl", sprintf("canned ACL %q opens the bucket", [b.attributes.acl.canned])) if {
	some b in lib.resources("aws_s3_bucket")
	b.attributes.acl.canned in public_canned
}

deny contains lib.finding(b, "acl", sprintf("ACL grants %s to %s", [g.permission, g.grantee_uri])) if {
	some b in lib.resources("aws_s3_bucket")
	some g in b.attributes.acl.grants
	g.grantee_uri in public_groups
}

deny contains lib.finding(b, "ownership_controls.object_ownership", msg) if {
	some b in lib.resources("aws_s3_bucket")
	lib.is_ferpa(b)
	own := b.attributes.ownership_controls.object_ownership
	not lib.is_unknown(own)
	own != "BucketOwnerEnforced"
	msg := sprintf("bucket holds FERPA data but ACLs are enabled (object ownership %s)", [own])
}

error contains lib.finding(b, sprintf("public_access_block.%s", [k]), sprintf("%s is known only after apply", [k])) if {
	some b in lib.resources("aws_s3_bucket")
	some k in settings
	lib.is_unknown(b.attributes.public_access_block[k])
}
