# METADATA
# title: Resource policies grant nothing to everyone, and FERPA resources nothing outside the trusted accounts
# description: >-
#   The resource policies of buckets, KMS keys, SQS queues, SNS topics, ECR repositories, Secrets
#   Manager secrets, OpenSearch and Elasticsearch domains and Lambda functions (each
#   `aws_lambda_permission` is one statement of its function's policy) contain no Allow for
#   Principal "*" unless a condition restricts the caller to the organization, an account, a VPC
#   endpoint or a source ARN. A policy written as a resource of its own whose resource another
#   configuration manages is judged where it is written. Policies of resources holding FERPA data
#   grant nothing to accounts outside the configured trusted accounts (redisclosure, 99.33(a)).
# custom:
#   id: PUB-03
#   severity: critical
#   resource_types: [aws_s3_bucket, aws_kms_key, aws_sqs_queue, aws_sns_topic, aws_ecr_repository, aws_secretsmanager_secret, aws_opensearch_domain, aws_elasticsearch_domain, aws_lambda_function, aws_s3_bucket_policy, aws_kms_key_policy, aws_sqs_queue_policy, aws_sns_topic_policy, aws_ecr_repository_policy, aws_secretsmanager_secret_policy, aws_opensearch_domain_policy, aws_elasticsearch_domain_policy, aws_lambda_permission]
#   reads: [policy]
#   remediation: Name the principals exactly, or add a condition on aws:PrincipalOrgID, aws:SourceVpce or aws:SourceAccount; grant other accounts access only through roles with an external id. For a Lambda permission, set source_arn or source_account (or principal_org_id) instead of principal = "*".
#   controls:
#     ferpa: ["99.33(a)", "99.31(a)(1)(ii)"]
#     nist_800_53: [AC-3, AC-4, AC-21]
#   equivalents:
#     checkov: [CKV_AWS_70, CKV_AWS_33, CKV_AWS_168, CKV_AWS_169, CKV_AWS_32, CKV_AWS_301]
#     prowler: [s3_bucket_policy_public_write_access, kms_key_not_publicly_accessible, sqs_queues_not_publicly_accessible, sns_topics_not_publicly_accessible, awslambda_function_not_publicly_accessible, ecr_repositories_not_publicly_accessible, secretsmanager_not_publicly_accessible, opensearch_service_domains_not_publicly_accessible]
package rampart.aws.iam.pub_03

import data.rampart.lib

default trusted_accounts := []

trusted_accounts := data.rampart.config.trusted_accounts

restricting := {"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceowner"}

# Everything that carries a resource policy, and the policies written on their own.
policy_types := [
	"aws_s3_bucket", "aws_kms_key", "aws_sqs_queue", "aws_sns_topic", "aws_ecr_repository",
	"aws_secretsmanager_secret", "aws_opensearch_domain", "aws_elasticsearch_domain",
	"aws_lambda_function", "aws_s3_bucket_policy", "aws_kms_key_policy", "aws_sqs_queue_policy",
	"aws_sns_topic_policy", "aws_ecr_repository_policy", "aws_secretsmanager_secret_policy",
	"aws_opensearch_domain_policy", "aws_elasticsearch_domain_policy", "aws_lambda_permission",
]

resources := [r | some t in policy_types; some r in lib.resources(t)]

open_to_everyone(st) if {
	st.Effect == "Allow"
	"*" in lib.principal_values(st)
	count(lib.condition_keys(st) & restricting) == 0
}

open_to_everyone(st) if {
	st.Effect == "Allow"
	st.NotPrincipal
}

account_of(p) := acct if {
	is_string(p)
	parts := regex.find_all_string_submatch_n(`^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::.*)?$`, p, 1)
	count(parts) == 1
	acct := parts[0][1]
}

deny contains lib.finding(r, "policy", "policy allows access to everyone (Principal \"*\") without a restricting condition") if {
	some r in resources
	some st in lib.statements(r.attributes.policy)
	open_to_everyone(st)
}

deny contains lib.finding(r, "policy", sprintf("policy of a FERPA resource grants access to account %s, outside the trusted accounts", [acct])) if {
	count(trusted_accounts) > 0
	some r in resources
	lib.is_ferpa(r)
	some st in lib.statements(r.attributes.policy)
	st.Effect == "Allow"
	some p in lib.principal_values(st)
	acct := account_of(p)
	not acct in trusted_accounts
}

error contains lib.finding(r, "policy", "resource policy is known only after apply") if {
	some r in resources
	lib.is_unknown(r.attributes.policy)
}
