package rampart.aws.data.data_02_test

import data.rampart.aws.data.data_02

store(tags) := {"uid": "b", "tags": tags, "derived": {"data_store": true, "classification": "ferpa", "classification_source": "tag"}}

inp(r) := {"resources_by_type": {"aws_s3_bucket": [r]}, "resources_by_uid": {"b": r}}

test_missing_owner_fails if {
	count(data_02.deny) == 1 with input as inp(store({"retention": "7y", "purpose": "records"}))
}

test_complete_tags_pass if {
	count(data_02.deny) == 0 with input as inp(store({"data-owner": "registrar", "retention": "7y", "purpose": "records"}))
}

test_expired_export_fails if {
	count(data_02.deny) == 1 with input as inp(store({"data-owner": "research", "retention": "1y", "purpose": "study", "agreement-id": "DUA-17", "destroy-by": "2020-06-30"})) with data.rampart.config.today as "2026-01-01"
	count(data_02.deny) == 0 with input as inp(store({"data-owner": "research", "retention": "1y", "purpose": "study", "agreement-id": "DUA-17", "destroy-by": "2030-06-30"})) with data.rampart.config.today as "2026-01-01"
}
