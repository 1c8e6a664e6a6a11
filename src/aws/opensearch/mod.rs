//! OpenSearch (and Elasticsearch) domains, read as configured (no rules of their own yet). They hold data, so the
//! classification rules judge them.

use super::ResourceType;

pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        data_store: true,
        ..ResourceType::plain("aws_opensearch_domain")
    },
    ResourceType {
        data_store: true,
        ..ResourceType::plain("aws_elasticsearch_domain")
    },
];
