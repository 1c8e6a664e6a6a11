//! SQS queues from Terraform, with `aws_sqs_queue_policy` folded into the queue it names.

use crate::aws::iam::terraform::{fold_resource_policy, with_resource_policy};
use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::Adapter;
use crate::terraform::eval::RawInstance;

pub fn queue(ri: &RawInstance, source: SourceKind) -> Resource {
    with_resource_policy(ri, source, "aws_sqs_queue", "name", "policy")
}

pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    if ri.rtype != "aws_sqs_queue_policy" {
        return false;
    }
    let t = a.target(ri, "queue_url", &["aws_sqs_queue"], &["url", "id"]);
    fold_resource_policy(a, ri, t, "policy")
}
