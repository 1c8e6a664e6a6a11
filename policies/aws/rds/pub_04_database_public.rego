# METADATA
# title: Databases are not publicly accessible and sit in no internet-routed subnet
# description: >-
#   A database is not publicly accessible, and its subnet group holds no subnet whose route table
#   sends 0.0.0.0/0 to an internet gateway.
# custom:
#   id: PUB-04
#   severity: critical
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   reads: [publicly_accessible]
#   remediation: Set publicly_accessible = false and place the database in a subnet group of private subnets (routes to a NAT gateway at most).
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["2.2.3"]
#     nist_800_53: [AC-3, SC-7]
#   equivalents:
#     checkov: [CKV_AWS_17]
#     prowler: [rds_instance_no_public_access]
package rampart.aws.rds.pub_04

import data.rampart.lib

dbs := array.concat(lib.resources("aws_db_instance"), lib.resources("aws_rds_cluster"))

deny contains lib.finding(db, "publicly_accessible", "database is publicly accessible") if {
	some db in dbs
	db.attributes.publicly_accessible == true
}

deny contains lib.finding(db, "db_subnet_group_name", sprintf("database subnet group includes internet-routed subnet(s): %s", [concat(", ", db.derived.public_subnets)])) if {
	some db in dbs
	count(object.get(db.derived, "public_subnets", [])) > 0
}

error contains lib.finding(db, "publicly_accessible", "public accessibility is known only after apply") if {
	some db in dbs
	lib.is_unknown(db.attributes.publicly_accessible)
}
