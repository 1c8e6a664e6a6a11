# METADATA
# title: Database snapshots are not public
# description: >-
#   A snapshot shared with `all` can be restored by every AWS account: the whole database,
#   student records included, handed to anyone who asks. Database and cluster snapshots are
#   shared with named accounts only. Live, the snapshot's restore attribute is read; in
#   Terraform, its `shared_accounts`.
# custom:
#   id: PUB-05
#   severity: critical
#   resource_types: [aws_db_snapshot, aws_db_cluster_snapshot]
#   reads: [public, shared_accounts]
#   remediation: Remove "all" from the snapshot's shared_accounts (aws rds modify-db-snapshot-attribute --attribute-name restore --values-to-remove all), and share with named accounts only.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)", "99.33(a)"]
#     nist_800_53: [AC-3, AC-21]
#   equivalents:
#     checkov: [CKV_AWS_302]
#     prowler: [rds_snapshots_public_access]
package rampart.aws.rds.pub_05

import data.rampart.lib

deny contains lib.finding(s, "public", "snapshot is public: any AWS account can restore the database it holds") if {
	some s in array.concat(lib.resources("aws_db_snapshot"), lib.resources("aws_db_cluster_snapshot"))
	object.get(s.attributes, "public", false) == true
}

deny contains lib.finding(s, "shared_accounts", "snapshot is shared with all: any AWS account can restore the database it holds") if {
	some s in array.concat(lib.resources("aws_db_snapshot"), lib.resources("aws_db_cluster_snapshot"))
	accounts := object.get(s.attributes, "shared_accounts", [])
	is_array(accounts)
	"all" in accounts
}
