//! OpenSearch (and Elasticsearch) domains with their access policies. They hold data, so the
//! classification rules judge them. `terraform.rs` reads them from a configuration.

pub(crate) mod terraform;

use super::ResourceType;

/// OpenSearch's resource types. A domain's `access_policies` is computed by the provider when
/// not set.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        data_store: true,
        identity: "domain_name",
        provider_computed: &["access_policies"],
        ..ResourceType::adapted("aws_opensearch_domain", terraform::domain)
    },
    ResourceType {
        data_store: true,
        identity: "domain_name",
        provider_computed: &["access_policies"],
        ..ResourceType::adapted("aws_elasticsearch_domain", terraform::domain)
    },
    ResourceType::plain("aws_opensearch_domain_policy"),
    ResourceType::plain("aws_elasticsearch_domain_policy"),
];
