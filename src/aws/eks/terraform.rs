//! EKS clusters, access entries and pod identity associations from Terraform.

use serde_json::{json, Value as Json};

use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::{raw, str_list, Builder};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

/// EKS Pod Identity: pods of a service account run as an IAM role (like IRSA, without the
/// annotation).
pub fn eks_pod_identity_association(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_eks_pod_identity_association");
    b.name_from("service_account")
        .attr("cluster_name", "cluster_name", Json::Null)
        .attr("namespace", "namespace", Json::Null)
        .attr("service_account", "service_account", Json::Null)
        .attr("role_arn", "role_arn", Json::Null);
    b.finish()
}

/// EKS access entry: an IAM principal mapped to Kubernetes groups and a user name (the successor
/// of the aws-auth ConfigMap).
pub fn eks_access_entry(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_eks_access_entry");
    b.name_from("principal_arn")
        .attr("cluster_name", "cluster_name", Json::Null)
        .attr("principal_arn", "principal_arn", Json::Null)
        .attr("kubernetes_groups", "kubernetes_groups", json!([]))
        .attr("user_name", "user_name", Json::Null)
        .attr("type", "type", json!("STANDARD"));
    b.finish()
}

pub fn eks_cluster(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_eks_cluster");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("version", "version", Json::Null)
        .attr(
            "vpc_config.0.endpoint_public_access",
            "endpoint_public_access",
            json!(true),
        )
        .attr(
            "vpc_config.0.endpoint_private_access",
            "endpoint_private_access",
            json!(false),
        )
        .attr(
            "vpc_config.0.public_access_cidrs",
            "public_access_cidrs",
            json!(["0.0.0.0/0"]),
        )
        .attr("enabled_cluster_log_types", "enabled_log_types", json!([]));
    match b.raw("encryption_config.0") {
        Some(e) => {
            let value = json!({
                "resources": str_list(raw(e, "resources")),
                "key_arn": raw(e, "provider.0.key_arn").map(Val::to_json).unwrap_or(Json::Null),
            });
            b.set("secrets_encryption", value, "encryption_config");
        }
        None => b.default(
            "secrets_encryption",
            json!({"resources": [], "key_arn": null}),
        ),
    }
    b.finish()
}
