//! S3: the typed configuration of a bucket and the account's Block Public Access, with AWS's
//! defaults. `terraform.rs` fills it from a configuration, `live.rs` from the S3 API.
//!
//! Each part is one attribute of an `aws_s3_bucket` resource (`server_side_encryption`,
//! `versioning`, …) and serializes to the shape the rules in `policies/aws/s3/` read.

pub mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use serde::Serialize;

use super::{DataActions, ResourceType};
use crate::model::Known;

/// A string that may not be known; absent is `null`.
type Text = Option<Known<String>>;

/// Default encryption (`server_side_encryption`).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ServerSideEncryption {
    pub sse_algorithm: Known<String>,
    pub kms_master_key_id: Text,
    pub bucket_key_enabled: Known<bool>,
}

impl ServerSideEncryption {
    /// SSE-S3: what every bucket without a configuration has had since January 2023, and what a
    /// rule that names no algorithm applies.
    pub fn sse_s3() -> Self {
        ServerSideEncryption {
            sse_algorithm: "AES256".into(),
            kms_master_key_id: None,
            bucket_key_enabled: false.into(),
        }
    }
}

/// Block Public Access, of a bucket (`public_access_block`) or of the account.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PublicAccessBlock {
    pub block_public_acls: Known<bool>,
    pub block_public_policy: Known<bool>,
    pub ignore_public_acls: Known<bool>,
    pub restrict_public_buckets: Known<bool>,
}

impl PublicAccessBlock {
    /// Every setting the same: `true` is what new buckets get since April 2023, `false` what a
    /// bucket or account without a configuration has.
    pub fn all(on: bool) -> Self {
        PublicAccessBlock {
            block_public_acls: on.into(),
            block_public_policy: on.into(),
            ignore_public_acls: on.into(),
            restrict_public_buckets: on.into(),
        }
    }

    /// The four settings as given, each `false` where not given (the API and the provider agree).
    pub fn from_flags(flags: [Option<Known<bool>>; 4]) -> Self {
        let [acls, policy, ignore, restrict] = flags.map(|f| f.unwrap_or(false.into()));
        PublicAccessBlock {
            block_public_acls: acls,
            block_public_policy: policy,
            ignore_public_acls: ignore,
            restrict_public_buckets: restrict,
        }
    }
}

/// `versioning`: `status` is `Enabled`, `Suspended` or `Disabled` (never enabled).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Versioning {
    pub status: Text,
    pub mfa_delete: Known<bool>,
}

impl Versioning {
    pub fn never_enabled() -> Self {
        Versioning {
            status: Some("Disabled".into()),
            mfa_delete: false.into(),
        }
    }
}

/// Server access logging (`logging`).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Logging {
    pub enabled: bool,
    pub target_bucket: Text,
    pub target_prefix: Text,
}

impl Logging {
    pub fn off() -> Self {
        Logging {
            enabled: false,
            target_bucket: None,
            target_prefix: None,
        }
    }
}

/// Object Ownership (`ownership_controls`): `BucketOwnerEnforced` disables ACLs.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct OwnershipControls {
    pub object_ownership: Text,
}

/// The bucket's ACL (`acl`): a canned ACL, or grants.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Acl {
    pub canned: Text,
    pub grants: Vec<Grant>,
}

impl Acl {
    /// No grant but the owner's: a new bucket's, and any bucket's with ACLs disabled.
    pub fn private() -> Self {
        Acl {
            canned: Some("private".into()),
            grants: Vec::new(),
        }
    }
}

/// One permission granted by an ACL.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Grant {
    pub grantee_type: Text,
    pub grantee_uri: Text,
    pub grantee_id: Text,
    pub permission: Text,
}

/// One lifecycle rule (`lifecycle_rules`).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct LifecycleRule {
    pub id: Text,
    pub enabled: Known<bool>,
    pub expiration_days: Option<Known<i64>>,
    pub noncurrent_expiration_days: Option<Known<i64>>,
}

/// Object Lock (`object_lock`).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ObjectLock {
    pub enabled: Known<bool>,
}

impl ObjectLock {
    pub fn off() -> Self {
        ObjectLock {
            enabled: false.into(),
        }
    }
}

/// S3's resource types.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType {
        identity: "bucket",
        id_from: Some("bucket"),
        arn_from_name: Some(|name| format!("arn:aws:s3:::{name}")),
        // Since provider v4 these moved to split resources; a plan marks them unknown.
        provider_computed: &[
            "policy",
            "acl",
            "versioning",
            "logging",
            "lifecycle_rule",
            "server_side_encryption_configuration",
            "object_lock_configuration",
        ],
        data_store: true,
        data_actions: DataActions {
            read: &["s3:getobject", "s3:getobjectversion"],
            write: &["s3:putobject", "s3:deleteobject", "s3:deleteobjectversion"],
        },
        ..ResourceType::adapted("aws_s3_bucket", terraform::bucket)
    },
    ResourceType::adapted(
        "aws_s3_account_public_access_block",
        terraform::account_public_access_block,
    ),
];

/// How the live collector reads the service (`--services s3`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "s3",
        collector: crate::collect::aws::live::Collector::Global(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };
