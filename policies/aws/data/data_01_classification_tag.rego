# METADATA
# title: Every data store carries a valid data classification tag
# description: >-
#   Buckets, databases, tables, volumes and other data stores are tagged with their data
#   classification (by default the `data-classification` tag: ferpa, pii, internal or public).
#   The tag decides which rules apply strictly; an untagged store is treated as FERPA data
#   (fail closed) and reported here, as is a tag with a value outside the configured levels.
# custom:
#   id: DATA-01
#   severity: high
#   resource_types: [aws_s3_bucket, aws_db_instance, aws_rds_cluster, aws_dynamodb_table, aws_ebs_volume, aws_efs_file_system, aws_opensearch_domain, aws_elasticsearch_domain, aws_redshift_cluster, aws_db_snapshot]
#   reads: [tags]
#   remediation: Add tags = { data-classification = "ferpa" } (or pii, internal, public) to the resource, or to the provider's default_tags.
#   controls:
#     ferpa: ["99.3"]
#     cis_aws: ["2.1.3"]
#     nist_800_53: [CM-8, RA-2, PM-5(1)]
package rampart.aws.data.data_01

import data.rampart.lib

stores contains r if {
	some t, rs in input.resources_by_type
	some r in rs
	r.derived.data_store == true
}

deny contains lib.finding(r, "tags", "data store has no data classification tag; treated as FERPA data") if {
	some r in stores
	r.derived.classification_source == "default"
}

deny contains lib.finding(r, "tags", sprintf("data classification %q is not one of the configured levels", [r.derived.classification])) if {
	some r in stores
	r.derived.classification_valid == false
}
