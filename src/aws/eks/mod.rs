//! EKS clusters, their access entries and pod identity associations.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use super::ResourceType;

/// EKS's resource types.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        id_from: Some("name"),
        ..ResourceType::adapted("aws_eks_cluster", terraform::eks_cluster)
    },
    ResourceType::adapted(
        "aws_eks_pod_identity_association",
        terraform::eks_pod_identity_association,
    ),
    ResourceType::adapted("aws_eks_access_entry", terraform::eks_access_entry),
];

/// How the live collector reads the service (`--services eks`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "eks",
        collector: crate::collect::aws::live::Collector::Regional(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };
