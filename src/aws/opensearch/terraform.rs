//! OpenSearch and Elasticsearch domains from Terraform: `access_policies` read as the domain's
//! `policy`, with `aws_opensearch_domain_policy` (and its Elasticsearch twin) folded into the
//! domain it names.

use crate::aws::iam::terraform::{fold_resource_policy, with_resource_policy};
use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::Adapter;
use crate::terraform::eval::RawInstance;

pub fn domain(ri: &RawInstance, source: SourceKind) -> Resource {
    with_resource_policy(ri, source, &ri.rtype, "domain_name", "access_policies")
}

pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    let domain = match ri.rtype.as_str() {
        "aws_opensearch_domain_policy" => "aws_opensearch_domain",
        "aws_elasticsearch_domain_policy" => "aws_elasticsearch_domain",
        _ => return false,
    };
    let t = a.target(ri, "domain_name", &[domain], &["domain_name"]);
    fold_resource_policy(a, ri, t, "access_policies")
}
