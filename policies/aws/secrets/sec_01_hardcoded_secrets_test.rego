package rampart.aws.secrets.sec_01_test

import data.rampart.aws.secrets.sec_01

db(derived) := {"resources_by_type": {"aws_db_instance": [{"uid": "db", "attributes": {"password": {"__redacted__": "literal"}}, "derived": derived}]}}

test_password_written_in_the_configuration_fails if {
	count(sec_01.deny) == 1 with input as db({"hardcoded_secrets": [{"path": "password", "why": "a secret written in the configuration"}]})
}

test_password_from_a_secret_store_passes if {
	count(sec_01.deny) == 0 with input as db({})
}

test_each_secret_is_its_own_finding if {
	count(sec_01.deny) == 2 with input as {"resources_by_type": {"aws_lambda_function": [{"uid": "f", "derived": {"hardcoded_secrets": [{"path": "environment.0.variables.DB_PASSWORD", "why": "a credential written in the configuration"}, {"path": "environment.0.variables.API_KEY", "why": "a credential written in the configuration"}]}}]}}
}
