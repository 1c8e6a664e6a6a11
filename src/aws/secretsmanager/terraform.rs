//! Secrets Manager secrets from Terraform, with `aws_secretsmanager_secret_policy` folded into
//! the secret it names.

use crate::aws::iam::terraform::{fold_resource_policy, with_resource_policy};
use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::Adapter;
use crate::terraform::eval::RawInstance;

pub fn secret(ri: &RawInstance, source: SourceKind) -> Resource {
    with_resource_policy(ri, source, "aws_secretsmanager_secret", "name", "policy")
}

pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    if ri.rtype != "aws_secretsmanager_secret_policy" {
        return false;
    }
    let t = a.target(
        ri,
        "secret_arn",
        &["aws_secretsmanager_secret"],
        &["arn", "id"],
    );
    fold_resource_policy(a, ri, t, "policy")
}
