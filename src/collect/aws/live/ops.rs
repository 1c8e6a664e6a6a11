//! Every AWS API operation the collectors call, with the IAM action it needs and the resource
//! types whose data it provides. This table is the single source of three things: coverage
//! entries (a failed call makes exactly these types' rules `error`), the minimal IAM policy in
//! the README (a test compares them), and the proof that rampart only reads (every action is a
//! List, Get or Describe, or `iam:GenerateCredentialReport`).

/// One API operation.
#[derive(Debug, PartialEq, Eq)]
pub struct Op {
    /// SDK service (`iam`, `ec2`, …), as written in coverage scopes.
    pub service: &'static str,
    /// API operation name (`GetBucketPolicy`).
    pub name: &'static str,
    /// The IAM action that authorizes it (S3 names several differently from the operation).
    pub action: &'static str,
    /// Resource types whose data depends on this call.
    pub types: &'static [&'static str],
}

macro_rules! ops {
    ($($id:ident = $service:literal $name:literal $action:literal [$($t:literal),*];)*) => {
        $(pub const $id: Op = Op { service: $service, name: $name, action: $action, types: &[$($t),*] };)*
        /// Every operation, for the policy test and the README.
        pub const ALL: &[(&str, &Op)] = &[$((stringify!($id), &$id)),*];
    };
}

ops! {
    STS_GET_CALLER_IDENTITY = "sts" "GetCallerIdentity" "sts:GetCallerIdentity" [];
    EC2_DESCRIBE_REGIONS = "ec2" "DescribeRegions" "ec2:DescribeRegions" [];
    ORG_LIST_ACCOUNTS = "organizations" "ListAccounts" "organizations:ListAccounts" [];
    ORG_LIST_PARENTS = "organizations" "ListParents" "organizations:ListParents" ["aws_organizations_account"];
    ORG_LIST_POLICIES_FOR_TARGET = "organizations" "ListPoliciesForTarget" "organizations:ListPoliciesForTarget" ["aws_organizations_policy"];
    ORG_DESCRIBE_POLICY = "organizations" "DescribePolicy" "organizations:DescribePolicy" ["aws_organizations_policy"];

    IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS = "iam" "GetAccountAuthorizationDetails" "iam:GetAccountAuthorizationDetails" ["aws_iam_user", "aws_iam_role", "aws_iam_group", "aws_iam_policy"];
    IAM_LIST_POLICIES = "iam" "ListPolicies" "iam:ListPolicies" ["aws_iam_user", "aws_iam_role", "aws_iam_group"];
    IAM_GET_POLICY_VERSION = "iam" "GetPolicyVersion" "iam:GetPolicyVersion" ["aws_iam_user", "aws_iam_role", "aws_iam_group"];
    IAM_GENERATE_CREDENTIAL_REPORT = "iam" "GenerateCredentialReport" "iam:GenerateCredentialReport" ["aws_iam_user_credentials"];
    IAM_GET_CREDENTIAL_REPORT = "iam" "GetCredentialReport" "iam:GetCredentialReport" ["aws_iam_user_credentials"];
    IAM_GET_ACCOUNT_SUMMARY = "iam" "GetAccountSummary" "iam:GetAccountSummary" ["aws_iam_user_credentials"];
    IAM_GET_ACCOUNT_PASSWORD_POLICY = "iam" "GetAccountPasswordPolicy" "iam:GetAccountPasswordPolicy" ["aws_iam_account_password_policy"];
    IAM_LIST_VIRTUAL_MFA_DEVICES = "iam" "ListVirtualMFADevices" "iam:ListVirtualMFADevices" ["aws_iam_user_credentials"];
    IAM_LIST_SAML_PROVIDERS = "iam" "ListSAMLProviders" "iam:ListSAMLProviders" ["aws_iam_saml_provider"];
    IAM_LIST_OIDC_PROVIDERS = "iam" "ListOpenIDConnectProviders" "iam:ListOpenIDConnectProviders" ["aws_iam_openid_connect_provider"];

    EC2_DESCRIBE_VPCS = "ec2" "DescribeVpcs" "ec2:DescribeVpcs" ["aws_vpc"];
    EC2_DESCRIBE_SUBNETS = "ec2" "DescribeSubnets" "ec2:DescribeSubnets" ["aws_subnet", "aws_db_instance", "aws_rds_cluster"];
    EC2_DESCRIBE_ROUTE_TABLES = "ec2" "DescribeRouteTables" "ec2:DescribeRouteTables" ["aws_route_table", "aws_subnet", "aws_db_instance", "aws_rds_cluster"];
    EC2_DESCRIBE_INTERNET_GATEWAYS = "ec2" "DescribeInternetGateways" "ec2:DescribeInternetGateways" ["aws_internet_gateway"];
    EC2_DESCRIBE_NAT_GATEWAYS = "ec2" "DescribeNatGateways" "ec2:DescribeNatGateways" ["aws_nat_gateway"];
    EC2_DESCRIBE_SECURITY_GROUPS = "ec2" "DescribeSecurityGroups" "ec2:DescribeSecurityGroups" ["aws_security_group", "aws_vpc"];
    EC2_DESCRIBE_NETWORK_ACLS = "ec2" "DescribeNetworkAcls" "ec2:DescribeNetworkAcls" ["aws_network_acl"];
    EC2_DESCRIBE_FLOW_LOGS = "ec2" "DescribeFlowLogs" "ec2:DescribeFlowLogs" ["aws_vpc"];
    EC2_GET_EBS_ENCRYPTION_BY_DEFAULT = "ec2" "GetEbsEncryptionByDefault" "ec2:GetEbsEncryptionByDefault" ["aws_ebs_encryption_by_default"];
    EC2_GET_EBS_DEFAULT_KMS_KEY_ID = "ec2" "GetEbsDefaultKmsKeyId" "ec2:GetEbsDefaultKmsKeyId" ["aws_ebs_encryption_by_default"];
    EC2_DESCRIBE_VOLUMES = "ec2" "DescribeVolumes" "ec2:DescribeVolumes" ["aws_ebs_volume"];
    EC2_DESCRIBE_SNAPSHOTS = "ec2" "DescribeSnapshots" "ec2:DescribeSnapshots" ["aws_ebs_snapshot"];
    EC2_DESCRIBE_INSTANCES = "ec2" "DescribeInstances" "ec2:DescribeInstances" ["aws_instance"];
    EC2_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS = "ec2" "DescribeLaunchTemplateVersions" "ec2:DescribeLaunchTemplateVersions" ["aws_launch_template"];

    S3_LIST_BUCKETS = "s3" "ListBuckets" "s3:ListAllMyBuckets" ["aws_s3_bucket"];
    S3_GET_BUCKET_LOCATION = "s3" "GetBucketLocation" "s3:GetBucketLocation" ["aws_s3_bucket"];
    S3_GET_BUCKET_ENCRYPTION = "s3" "GetBucketEncryption" "s3:GetEncryptionConfiguration" ["aws_s3_bucket"];
    S3_GET_PUBLIC_ACCESS_BLOCK = "s3" "GetPublicAccessBlock" "s3:GetBucketPublicAccessBlock" ["aws_s3_bucket"];
    S3_GET_BUCKET_POLICY = "s3" "GetBucketPolicy" "s3:GetBucketPolicy" ["aws_s3_bucket"];
    S3_GET_BUCKET_ACL = "s3" "GetBucketAcl" "s3:GetBucketAcl" ["aws_s3_bucket"];
    S3_GET_BUCKET_OWNERSHIP_CONTROLS = "s3" "GetBucketOwnershipControls" "s3:GetBucketOwnershipControls" ["aws_s3_bucket"];
    S3_GET_BUCKET_VERSIONING = "s3" "GetBucketVersioning" "s3:GetBucketVersioning" ["aws_s3_bucket"];
    S3_GET_BUCKET_LOGGING = "s3" "GetBucketLogging" "s3:GetBucketLogging" ["aws_s3_bucket"];
    S3_GET_BUCKET_LIFECYCLE = "s3" "GetBucketLifecycleConfiguration" "s3:GetLifecycleConfiguration" ["aws_s3_bucket"];
    S3_GET_OBJECT_LOCK = "s3" "GetObjectLockConfiguration" "s3:GetBucketObjectLockConfiguration" ["aws_s3_bucket"];
    S3_GET_BUCKET_TAGGING = "s3" "GetBucketTagging" "s3:GetBucketTagging" ["aws_s3_bucket"];
    S3CONTROL_GET_PUBLIC_ACCESS_BLOCK = "s3control" "GetPublicAccessBlock" "s3:GetAccountPublicAccessBlock" ["aws_s3_account_public_access_block"];

    KMS_LIST_KEYS = "kms" "ListKeys" "kms:ListKeys" ["aws_kms_key"];
    KMS_LIST_ALIASES = "kms" "ListAliases" "kms:ListAliases" ["aws_kms_key"];
    KMS_DESCRIBE_KEY = "kms" "DescribeKey" "kms:DescribeKey" ["aws_kms_key"];
    KMS_GET_KEY_ROTATION_STATUS = "kms" "GetKeyRotationStatus" "kms:GetKeyRotationStatus" ["aws_kms_key"];
    KMS_GET_KEY_POLICY = "kms" "GetKeyPolicy" "kms:GetKeyPolicy" ["aws_kms_key"];
    KMS_LIST_RESOURCE_TAGS = "kms" "ListResourceTags" "kms:ListResourceTags" ["aws_kms_key"];

    RDS_DESCRIBE_DB_INSTANCES = "rds" "DescribeDBInstances" "rds:DescribeDBInstances" ["aws_db_instance"];
    RDS_DESCRIBE_DB_CLUSTERS = "rds" "DescribeDBClusters" "rds:DescribeDBClusters" ["aws_rds_cluster"];
    RDS_DESCRIBE_DB_PARAMETERS = "rds" "DescribeDBParameters" "rds:DescribeDBParameters" ["aws_db_instance"];
    RDS_DESCRIBE_DB_CLUSTER_PARAMETERS = "rds" "DescribeDBClusterParameters" "rds:DescribeDBClusterParameters" ["aws_rds_cluster"];
    RDS_DESCRIBE_DB_SNAPSHOTS = "rds" "DescribeDBSnapshots" "rds:DescribeDBSnapshots" ["aws_db_snapshot"];
    RDS_DESCRIBE_DB_SNAPSHOT_ATTRIBUTES = "rds" "DescribeDBSnapshotAttributes" "rds:DescribeDBSnapshotAttributes" ["aws_db_snapshot"];

    DYNAMODB_LIST_TABLES = "dynamodb" "ListTables" "dynamodb:ListTables" ["aws_dynamodb_table"];
    DYNAMODB_DESCRIBE_TABLE = "dynamodb" "DescribeTable" "dynamodb:DescribeTable" ["aws_dynamodb_table"];
    DYNAMODB_DESCRIBE_CONTINUOUS_BACKUPS = "dynamodb" "DescribeContinuousBackups" "dynamodb:DescribeContinuousBackups" ["aws_dynamodb_table"];
    DYNAMODB_LIST_TAGS = "dynamodb" "ListTagsOfResource" "dynamodb:ListTagsOfResource" ["aws_dynamodb_table"];

    CLOUDTRAIL_DESCRIBE_TRAILS = "cloudtrail" "DescribeTrails" "cloudtrail:DescribeTrails" ["aws_cloudtrail"];
    CLOUDTRAIL_GET_TRAIL_STATUS = "cloudtrail" "GetTrailStatus" "cloudtrail:GetTrailStatus" ["aws_cloudtrail"];
    CLOUDTRAIL_GET_EVENT_SELECTORS = "cloudtrail" "GetEventSelectors" "cloudtrail:GetEventSelectors" ["aws_cloudtrail"];

    EKS_LIST_CLUSTERS = "eks" "ListClusters" "eks:ListClusters" ["aws_eks_cluster"];
    EKS_DESCRIBE_CLUSTER = "eks" "DescribeCluster" "eks:DescribeCluster" ["aws_eks_cluster"];
    EKS_LIST_ACCESS_ENTRIES = "eks" "ListAccessEntries" "eks:ListAccessEntries" ["aws_eks_access_entry"];
    EKS_DESCRIBE_ACCESS_ENTRY = "eks" "DescribeAccessEntry" "eks:DescribeAccessEntry" ["aws_eks_access_entry"];

    ELB_DESCRIBE_LOAD_BALANCERS = "elasticloadbalancingv2" "DescribeLoadBalancers" "elasticloadbalancing:DescribeLoadBalancers" ["aws_lb", "aws_lb_listener"];
    ELB_DESCRIBE_LOAD_BALANCER_ATTRIBUTES = "elasticloadbalancingv2" "DescribeLoadBalancerAttributes" "elasticloadbalancing:DescribeLoadBalancerAttributes" ["aws_lb"];
    ELB_DESCRIBE_LISTENERS = "elasticloadbalancingv2" "DescribeListeners" "elasticloadbalancing:DescribeListeners" ["aws_lb_listener"];
    WAFV2_GET_WEB_ACL_FOR_RESOURCE = "wafv2" "GetWebACLForResource" "wafv2:GetWebACLForResource" ["aws_lb"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_only_reads() {
        for (id, op) in ALL {
            let verb = op.action.split(':').nth(1).unwrap_or_default();
            assert!(
                ["List", "Get", "Describe"]
                    .iter()
                    .any(|p| verb.starts_with(p))
                    || op.action == "iam:GenerateCredentialReport",
                "{id}: {} is not a read",
                op.action
            );
        }
    }

    #[test]
    fn names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (id, op) in ALL {
            assert!(seen.insert((op.service, op.name)), "{id} listed twice");
        }
    }
}
