//! RDS: DB instances, Aurora clusters, their parameter and subnet groups, and snapshots.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use super::{DataActions, ResourceType};

/// Who may read and write a database's data through IAM.
const DATABASE_ACTIONS: DataActions = DataActions {
    read: &["rds-db:connect", "rds-data:executestatement"],
    write: &["rds-db:connect", "rds-data:executestatement"],
};

/// RDS's resource types.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        identity: "identifier",
        data_store: true,
        data_actions: DATABASE_ACTIONS,
        ..ResourceType::adapted("aws_db_instance", terraform::db_instance)
    },
    ResourceType {
        identity: "identifier",
        data_store: true,
        data_actions: DATABASE_ACTIONS,
        ..ResourceType::adapted("aws_rds_cluster", terraform::rds_cluster)
    },
    ResourceType {
        id_from: Some("name"),
        ..ResourceType::adapted("aws_db_parameter_group", terraform::parameter_group)
    },
    ResourceType {
        id_from: Some("name"),
        ..ResourceType::adapted(
            "aws_rds_cluster_parameter_group",
            terraform::parameter_group,
        )
    },
    ResourceType::adapted("aws_db_subnet_group", terraform::db_subnet_group),
    ResourceType {
        data_store: true,
        ..ResourceType::plain("aws_db_snapshot")
    },
];

/// How the live collector reads the service (`--services rds`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "rds",
        collector: crate::collect::aws::live::Collector::Regional(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };
