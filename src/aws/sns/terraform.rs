//! SNS topics from Terraform, with `aws_sns_topic_policy` folded into the topic it names.

use crate::aws::iam::terraform::{fold_resource_policy, with_resource_policy};
use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::Adapter;
use crate::terraform::eval::RawInstance;

pub fn topic(ri: &RawInstance, source: SourceKind) -> Resource {
    with_resource_policy(ri, source, "aws_sns_topic", "name", "policy")
}

pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    if ri.rtype != "aws_sns_topic_policy" {
        return false;
    }
    let t = a.target(ri, "arn", &["aws_sns_topic"], &["arn", "id"]);
    fold_resource_policy(a, ri, t, "policy")
}
