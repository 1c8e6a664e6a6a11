# METADATA
# title: FERPA data stores name their owner, retention and purpose
# description: >-
#   A store explicitly tagged as FERPA data declares who owns it (data-owner), how long it is kept
#   (retention) and why it exists (purpose). Study and audit exports also declare the agreement
#   that allows the disclosure (agreement-id) and when the data must be destroyed (destroy-by,
#   YYYY-MM-DD); a destroy-by date in the past is a finding (99.35(b)(2)).
# custom:
#   id: DATA-02
#   severity: medium
#   resource_types: [aws_s3_bucket, aws_db_instance, aws_rds_cluster, aws_dynamodb_table, aws_ebs_volume, aws_efs_file_system, aws_opensearch_domain, aws_elasticsearch_domain, aws_redshift_cluster, aws_db_snapshot]
#   reads: [tags]
#   remediation: Add the data-owner, retention and purpose tags (and agreement-id and destroy-by for exports), and destroy exports whose destroy-by date has passed.
#   controls:
#     ferpa: ["99.31(a)(6)(iii)(B)", "99.35(a)(3)", "99.35(b)(2)"]
#     nist_800_53: [SI-12, CM-8, PM-5(1)]
package rampart.aws.data.data_02

import data.rampart.lib

export_purposes := {"export", "study", "audit", "audit-export"}

applies contains r.uid if {
	some _, rs in input.resources_by_type
	some r in rs
	r.derived.data_store == true
	lib.is_ferpa(r)
	r.derived.classification_source == "tag"
}

required(r) := {"data-owner", "retention", "purpose"} if not lower(object.get(r.tags, "purpose", "")) in export_purposes

required(r) := {"data-owner", "retention", "purpose", "agreement-id", "destroy-by"} if lower(object.get(r.tags, "purpose", "")) in export_purposes

deny contains lib.finding(r, "tags", sprintf("missing tag(s): %s", [concat(", ", sort(missing))])) if {
	some uid in applies
	r := lib.resource(uid)
	missing := {k | some k in required(r); not r.tags[k]}
	count(missing) > 0
}

deny contains lib.finding(r, "tags", sprintf("destroy-by date %s has passed: the data must be destroyed", [d])) if {
	some uid in applies
	r := lib.resource(uid)
	d := r.tags["destroy-by"]
	regex.match(`^\d{4}-\d{2}-\d{2}$`, d)
	d < lib.today
}

deny contains lib.finding(r, "tags", sprintf("destroy-by %q is not a YYYY-MM-DD date", [d])) if {
	some uid in applies
	r := lib.resource(uid)
	d := r.tags["destroy-by"]
	not regex.match(`^\d{4}-\d{2}-\d{2}$`, d)
}
