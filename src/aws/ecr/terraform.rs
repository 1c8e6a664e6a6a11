//! ECR repositories from Terraform, with `aws_ecr_repository_policy` folded into the repository
//! it names. A repository has no inline policy: without the split resource it has none.

use crate::aws::iam::terraform::{fold_resource_policy, with_resource_policy};
use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::Adapter;
use crate::terraform::eval::RawInstance;

pub fn repository(ri: &RawInstance, source: SourceKind) -> Resource {
    with_resource_policy(ri, source, "aws_ecr_repository", "name", "policy")
}

pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    if ri.rtype != "aws_ecr_repository_policy" {
        return false;
    }
    let t = a.target(ri, "repository", &["aws_ecr_repository"], &["name"]);
    fold_resource_policy(a, ri, t, "policy")
}
