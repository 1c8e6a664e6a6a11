# METADATA
# title: No secret is written in the Terraform configuration
# description: >-
#   Passwords, tokens, keys and provider credentials are not written into the configuration or
#   the defaults of its variables, where everyone with the repository reads them and every plan
#   and state keeps them: a database password, an API key, an SSM or Secrets Manager value set
#   to a literal; a user data script, a function environment or a container definition that
#   carries a credential. rampart finds them without keeping them: the finding names the
#   attribute, never the value.
# custom:
#   id: SEC-01
#   severity: high
#   resource_types: [aws_provider, aws_api_gateway_api_key, aws_appsync_api_key, aws_amplify_app,
#     aws_amplify_branch, aws_codebuild_source_credential, aws_cognito_user_pool_client,
#     aws_db_instance, aws_directory_service_directory, aws_dms_endpoint, aws_docdb_cluster,
#     aws_elasticache_replication_group, aws_elasticache_user, aws_elasticsearch_domain,
#     aws_emr_cluster, aws_glue_connection, aws_iam_access_key,
#     aws_iam_service_specific_credential, aws_iam_user_login_profile,
#     aws_kinesis_firehose_delivery_stream, aws_kms_ciphertext, aws_lightsail_database,
#     aws_mq_broker, aws_neptune_cluster, aws_opensearch_domain, aws_rds_cluster,
#     aws_redshift_cluster, aws_redshiftserverless_namespace, aws_secretsmanager_secret_version,
#     aws_ssm_parameter, aws_transfer_ssh_key, aws_instance, aws_launch_template,
#     aws_launch_configuration, aws_lambda_function, aws_ecs_task_definition,
#     aws_batch_job_definition, aws_sagemaker_model, aws_elastic_beanstalk_environment,
#     kubernetes_secret, kubernetes_secret_v1]
#   reads: []
#   remediation: Keep the secret in AWS Secrets Manager or SSM Parameter Store (SecureString) and reference it (manage_master_user_password = true for RDS, a data source, or a variable set at apply time without a default); rotate the secret that was committed.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [IA-5(7), SC-28, SC-12]
#   equivalents:
#     checkov: [CKV_AWS_41, CKV_AWS_45, CKV_AWS_46]
package rampart.aws.secrets.sec_01

import data.rampart.lib

# What the readers found while reading (`derived.hardcoded_secrets`), on every resource that is
# not a Kubernetes object (SEC-02 judges those).
deny contains {"uid": r.uid, "key": s.path, "path": s.path, "msg": sprintf("%s holds %s; its value is not shown", [s.path, s.why])} if {
	some t, rs in input.resources_by_type
	not startswith(t, "k8s_")
	some r in rs
	some s in object.get(r.derived, "hardcoded_secrets", [])
}
