//! Who the cluster's IAM identities are, from the EKS API rather than the Kubernetes one: access
//! entries (IAM principal → Kubernetes groups and user name) and Pod Identity associations
//! (service account → IAM role). `scripts/record-eks-identities CLUSTER` records them as the AWS
//! CLI returns them (`describe-access-entry`, `describe-pod-identity-association`):
//!
//! ```json
//! {"EksIdentities": {"clusterName": "prod", "accessEntries": [{"principalArn": "…", "kubernetesGroups": […], "username": "…", "type": "STANDARD"}],
//!                    "podIdentityAssociations": [{"namespace": "records", "serviceAccount": "api", "roleArn": "…"}]}}
//! ```
//!
//! They become `aws_eks_access_entry` and `aws_eks_pod_identity_association` resources with the
//! attribute names of the Terraform resources, so Terraform and the live cluster feed the same
//! analysis.

use crate::model::{text_of, Origin, Resource, SourceKind};
use serde_json::{json, Value as Json};

/// The top-level key of the file; also how it is recognised.
pub const KEY: &str = "\"EksIdentities\"";

pub fn is_eks_identities(doc: &Json) -> bool {
    doc["EksIdentities"].is_object()
}

pub fn import(doc: &Json) -> Vec<Resource> {
    let eks = &doc["EksIdentities"];
    let cluster = eks["clusterName"].clone();
    let mut out = Vec::new();
    for e in eks["accessEntries"].as_array().into_iter().flatten() {
        let Some(principal) = e["principalArn"].as_str() else {
            continue;
        };
        let mut r = resource(
            &e["accessEntryArn"],
            || format!("eks:{}:access-entry:{principal}", text_of(&cluster)),
            "aws_eks_access_entry",
            "eks:DescribeAccessEntry",
        );
        r.name = principal.to_string();
        r.attributes = json!({
            "cluster_name": cluster,
            "principal_arn": principal,
            "kubernetes_groups": e.get("kubernetesGroups").cloned().unwrap_or(json!([])),
            "user_name": e["username"],
            "type": e.get("type").cloned().unwrap_or(json!("STANDARD")),
        });
        out.push(r);
    }
    for a in eks["podIdentityAssociations"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (Some(namespace), Some(sa)) = (a["namespace"].as_str(), a["serviceAccount"].as_str())
        else {
            continue;
        };
        let mut r = resource(
            &a["associationArn"],
            || format!("eks:{}:pod-identity:{namespace}/{sa}", text_of(&cluster)),
            "aws_eks_pod_identity_association",
            "eks:DescribePodIdentityAssociation",
        );
        r.name = sa.to_string();
        r.attributes = json!({
            "cluster_name": cluster,
            "namespace": namespace,
            "service_account": sa,
            "role_arn": a["roleArn"],
        });
        out.push(r);
    }
    out
}

/// A live resource named by its ARN, or by `fallback` where the recording has none.
fn resource(
    arn: &Json,
    fallback: impl FnOnce() -> String,
    rtype: &str,
    api_call: &str,
) -> Resource {
    let arn = arn.as_str().map(str::to_string);
    Resource::new(
        arn.clone().unwrap_or_else(fallback),
        rtype,
        Origin {
            source: SourceKind::Aws,
            arn,
            api_call: Some(api_call.into()),
            ..Default::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_associations_take_the_terraform_names() {
        let doc = json!({"EksIdentities": {"clusterName": "prod",
            "accessEntries": [{"principalArn": "arn:aws:iam::1:role/ops", "kubernetesGroups": ["ops"], "type": "STANDARD"}],
            "podIdentityAssociations": [{"namespace": "records", "serviceAccount": "api", "roleArn": "arn:aws:iam::1:role/api"}]}});
        assert!(is_eks_identities(&doc));
        let rs = import(&doc);
        assert_eq!(rs[0].resource_type, "aws_eks_access_entry");
        assert_eq!(rs[0].attributes["kubernetes_groups"], json!(["ops"]));
        assert_eq!(rs[1].attributes["service_account"], "api");
        assert_eq!(rs[1].attributes["role_arn"], "arn:aws:iam::1:role/api");
    }
}
