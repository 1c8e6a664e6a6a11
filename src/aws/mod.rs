//! AWS, one folder per service: each holds the typed model of its resource types and the two
//! sources that fill it — the Terraform adapter (`terraform.rs`) and the live collector
//! (`live.rs`, behind the `aws` feature) — side by side. Both build the same structs where a
//! service has them, so the compiler keeps them in step: a field added to the model is a field
//! both must fill, and AWS's defaults are written once, in the model.
//!
//! What rampart knows of each resource type is one [`ResourceType`] row in its service's
//! `mod.rs`: how Terraform declares it, what the provider computes before apply, what names it,
//! whether it holds data. Nothing outside the service folders lists AWS types. See
//! `docs/architecture.md` for where this sits in the data flow.

pub mod cloudtrail;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod efs;
pub mod eks;
pub mod elb;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod opensearch;
pub mod rds;
pub mod redshift;
pub mod s3;
#[cfg(test)]
mod schema;
pub mod secretsmanager;
pub mod sns;
pub mod sqs;

use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::Adapter;
use crate::terraform::eval::RawInstance;

/// Builds the model resource from one Terraform instance; the second argument is the source
/// (`terraform` or `terraform-plan`).
pub type Adapt = fn(&RawInstance, SourceKind) -> Resource;

/// Folds a split resource (`aws_s3_bucket_versioning`, …) into the resource it configures;
/// false when the instance is not one of the service's split types or its target is not there.
pub(crate) type Fold = fn(&mut Adapter, &RawInstance) -> bool;

/// What rampart knows of one AWS resource type. Its name is the Terraform type name, which the
/// model uses for live resources too.
#[derive(Debug)]
pub struct ResourceType {
    pub name: &'static str,
    /// The Terraform adapter; `None` keeps the instance's attributes as configured.
    pub terraform: Option<Adapt>,
    /// The attribute that names the resource in its account: a live resource is matched to the
    /// declaration that manages it by it (with the ARN when there is one).
    pub identity: &'static str,
    /// Before apply, the provider's `id` is this attribute's value (`None`: only known after).
    pub id_from: Option<&'static str>,
    /// Before apply, the provider's `arn`, from the name (`None`: only known after).
    pub arn_from_name: Option<fn(&str) -> String>,
    /// Attributes the provider computes and a plan marks unknown though the configuration does
    /// not set them: with no expression behind them, they are read as not set.
    pub provider_computed: &'static [&'static str],
    /// It holds data, so it must carry a classification (untagged is FERPA).
    pub data_store: bool,
    /// IAM actions (lower case) that read and that write its data, for the access map.
    pub data_actions: DataActions,
}

/// IAM actions (lower case) that read and that write a store's data.
#[derive(Debug, Clone, Copy)]
pub struct DataActions {
    pub read: &'static [&'static str],
    pub write: &'static [&'static str],
}

impl DataActions {
    pub const NONE: DataActions = DataActions {
        read: &[],
        write: &[],
    };
}

impl ResourceType {
    /// A type rampart reads as configured, named by `name`: the base of every row.
    pub const fn plain(name: &'static str) -> ResourceType {
        ResourceType {
            name,
            terraform: None,
            identity: "name",
            id_from: None,
            arn_from_name: None,
            provider_computed: &[],
            data_store: false,
            data_actions: DataActions::NONE,
        }
    }

    /// A type with a Terraform adapter.
    pub const fn adapted(name: &'static str, adapt: Adapt) -> ResourceType {
        ResourceType {
            terraform: Some(adapt),
            ..ResourceType::plain(name)
        }
    }
}

/// Every service's resource types.
const SERVICES: [&[ResourceType]; 17] = [
    cloudtrail::TYPES,
    dynamodb::TYPES,
    ec2::TYPES,
    ecr::TYPES,
    efs::TYPES,
    eks::TYPES,
    elb::TYPES,
    iam::TYPES,
    kms::TYPES,
    lambda::TYPES,
    opensearch::TYPES,
    rds::TYPES,
    redshift::TYPES,
    s3::TYPES,
    secretsmanager::TYPES,
    sns::TYPES,
    sqs::TYPES,
];

/// The services read live, in the order their collectors start.
#[cfg(feature = "aws")]
pub(crate) const LIVE_SERVICES: [&crate::collect::aws::live::LiveService; 9] = [
    &iam::LIVE,
    &ec2::LIVE,
    &s3::LIVE,
    &kms::LIVE,
    &rds::LIVE,
    &dynamodb::LIVE,
    &cloudtrail::LIVE,
    &eks::LIVE,
    &elb::LIVE,
];

/// Every service's fold of split resources.
const FOLDS: [Fold; 12] = [
    s3::terraform::fold,
    ec2::terraform::fold,
    kms::terraform::fold,
    elb::terraform::fold,
    iam::terraform::fold,
    sqs::terraform::fold,
    sns::terraform::fold,
    ecr::terraform::fold,
    secretsmanager::terraform::fold,
    opensearch::terraform::fold,
    lambda::terraform::fold,
    cloudtrail::terraform::fold,
];

/// Joins across resources once every instance is adapted, in this order: subnets learn their
/// routes before databases ask whether theirs are public.
const DERIVES: [fn(&mut Adapter); 4] = [
    ec2::terraform::derive,
    rds::terraform::derive,
    iam::terraform::derive,
    cloudtrail::terraform::derive,
];

/// Runs every service's joins over the adapted resources of one root.
pub(crate) fn derive(a: &mut Adapter) {
    for derive in DERIVES {
        derive(a);
    }
}

/// Every resource type rampart knows.
pub fn resource_types() -> impl Iterator<Item = &'static ResourceType> {
    SERVICES.iter().flat_map(|s| s.iter())
}

/// What rampart knows of a type, if anything. Asked for every instance adapted and every
/// resource classified, so the rows are indexed once.
pub fn resource_type(name: &str) -> Option<&'static ResourceType> {
    static BY_NAME: std::sync::OnceLock<std::collections::HashMap<&str, &ResourceType>> =
        std::sync::OnceLock::new();
    BY_NAME
        .get_or_init(|| resource_types().map(|t| (t.name, t)).collect())
        .get(name)
        .copied()
}

/// Folds a split resource into its target; false when no service takes it.
pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    FOLDS.iter().any(|fold| fold(a, ri))
}

/// Whether a type holds data.
pub fn is_data_store(name: &str) -> bool {
    resource_type(name).is_some_and(|t| t.data_store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_is_registered_once() {
        let mut names: Vec<&str> = resource_types().map(|t| t.name).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a type is in two services");
    }

    #[cfg(feature = "aws")]
    #[test]
    fn each_live_service_is_named_once() {
        let mut names: Vec<&str> = LIVE_SERVICES.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LIVE_SERVICES.len());
    }
}
