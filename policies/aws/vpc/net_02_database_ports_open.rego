# METADATA
# title: Security groups admit no internet traffic to database and cache ports
# description: >-
#   No ingress rule allows 0.0.0.0/0 or ::/0 to MySQL (3306), PostgreSQL (5432), SQL Server
#   (1433), Oracle (1521), Redis (6379), Memcached (11211), MongoDB (27017),
#   Elasticsearch/OpenSearch (9200, 9300), Kibana (5601) or Kafka (9092). Student data stores are reached only from application subnets.
# custom:
#   id: NET-02
#   severity: critical
#   resource_types: [aws_security_group]
#   reads: [ingress, ingress.*.cidr_blocks, ingress.*.ipv6_cidr_blocks]
#   remediation: Allow the database port only from the application's security group (referenced_security_group_id / security_groups), never from a CIDR open to the internet.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     nist_800_53: [SC-7, AC-4]
#   equivalents:
#     prowler: [ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_oracle_1521_2483, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_kafka_9092, ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211, ec2_instance_port_mysql_exposed_to_internet, ec2_instance_port_postgresql_exposed_to_internet, ec2_instance_port_redis_exposed_to_internet, ec2_instance_port_mongodb_exposed_to_internet, ec2_instance_port_sqlserver_exposed_to_internet, ec2_instance_port_oracle_exposed_to_internet, ec2_instance_port_memcached_exposed_to_internet, ec2_instance_port_elasticsearch_kibana_exposed_to_internet, ec2_instance_port_kafka_exposed_to_internet]
package rampart.aws.vpc.net_02

import data.rampart.lib

db_ports := {3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle", 6379: "Redis", 11211: "Memcached", 27017: "MongoDB", 9200: "Elasticsearch", 9300: "Elasticsearch", 5601: "Kibana", 9092: "Kafka"}

deny contains lib.finding(sg, sprintf("ingress.%d", [i]), sprintf("ingress from the internet to %s port %d", [name, port])) if {
	some sg in lib.resources("aws_security_group")
	some i, rule in sg.attributes.ingress
	rule.protocol != "-1"
	lib.from_internet(rule)
	some port, name in db_ports
	lib.covers_port(rule, port)
}

# Open to the internet on ports known only after apply: they may include a database port.
deny contains lib.finding(sg, sprintf("ingress.%d", [i]), sprintf("ingress from the internet on ports known only after apply (%s): they may include a database port", [ref])) if {
	some sg in lib.resources("aws_security_group")
	some i, rule in sg.attributes.ingress
	lib.from_internet(rule)
	ref := lib.unknown_ports(rule)
}
