environment = "prod"
db_password = "example-not-a-secret"
