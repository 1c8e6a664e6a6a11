package rampart.aws.s3.enc_01_test

import data.rampart.aws.s3.enc_01

bucket(sse, class) := {
	"uid": "aws_s3_bucket.b", "type": "aws_s3_bucket",
	"attributes": {"server_side_encryption": sse},
	"derived": {"classification": class},
}

inp(b) := {"resources_by_type": {"aws_s3_bucket": [b]}}

test_ferpa_bucket_with_sse_s3_fails if {
	count(enc_01.deny) == 1 with input as inp(bucket({"sse_algorithm": "AES256", "kms_master_key_id": null}, "ferpa"))
}

test_sse_s3_by_default_says_so_and_set_sse_s3_does_not if {
	b := bucket({"sse_algorithm": "AES256", "kms_master_key_id": null}, "ferpa")
	some by_default in enc_01.deny with input as inp(object.union(b, {"defaults": ["server_side_encryption"]}))
	contains(by_default.msg, "AWS's default")
	some set in enc_01.deny with input as inp(b)
	not contains(set.msg, "AWS's default")
}

test_ferpa_bucket_with_aws_managed_key_fails if {
	count(enc_01.deny) == 1 with input as inp(bucket({"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/aws/s3"}, "ferpa"))
}

test_ferpa_bucket_with_declared_cmk_passes if {
	count(enc_01.deny) == 0 with input as inp(bucket({"sse_algorithm": "aws:kms", "kms_master_key_id": {"__unknown__": "aws_kms_key.records.arn"}}, "ferpa"))
}

test_public_bucket_with_default_sse_s3_passes if {
	count(enc_01.deny) == 0 with input as inp(bucket({"sse_algorithm": "AES256", "kms_master_key_id": null}, "public"))
}

test_unknown_algorithm_is_an_error_not_a_verdict if {
	b := bucket({"sse_algorithm": {"__unknown__": "var.alg"}, "kms_master_key_id": null}, "ferpa")
	count(enc_01.deny) == 0 with input as inp(b)
	count(enc_01.error) == 1 with input as inp(b)
}
