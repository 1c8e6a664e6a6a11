# METADATA
# title: Point-in-time recovery is on for FERPA DynamoDB tables
# description: >-
#   Point-in-time recovery lets a table holding education records be restored to any second of
#   the last 35 days after an erroneous write or delete.
# custom:
#   id: BAK-02
#   severity: medium
#   resource_types: [aws_dynamodb_table]
#   reads: [point_in_time_recovery]
#   remediation: Add point_in_time_recovery { enabled = true } to the table.
#   controls:
#     nist_800_53: [CP-9, CP-10]
#   equivalents:
#     checkov: [CKV_AWS_28]
#     prowler: [dynamodb_tables_pitr_enabled]
package rampart.aws.dynamodb.bak_02

import data.rampart.lib

applies contains t.uid if {
	some t in lib.resources("aws_dynamodb_table")
	lib.is_ferpa(t)
}

deny contains lib.finding(t, "point_in_time_recovery", "point-in-time recovery is off") if {
	some uid in applies
	t := lib.resource(uid)
	t.attributes.point_in_time_recovery == false
}
