#!/usr/bin/env python3
"""Seeds an AWS endpoint (a local moto server) with the scenario rampart's live tests judge.

    python3 tests/aws/seed.py --endpoint http://127.0.0.1:5000 [--scale N] [--regions us-east-1,eu-west-1]

Every resource is either planted with one problem a rule must find (named in PLANTED) or
configured well, so that a rule firing on it is a false positive. `--scale N` adds N copies of
the bulk resources (users, roles, policies, buckets, groups, tables, keys, databases) for the
benchmark. Prints a JSON summary of what it created.

Only ever point this at an emulator: it creates resources.
"""

import argparse
import json
import sys

import boto3
from botocore.config import Config

ACCOUNT = "123456789012"

# (rule id, resource name): the problems planted, which a scan must report.
PLANTED = [
    ("IAM-01", "deploy-bot"),
    ("IAM-03", "alice"),
    ("IAM-07", "account password policy"),
    ("IAM-08", "vendor-access"),
    ("IAM-09", "ci-runner"),
    ("IAM-11", "deploy-bot"),
    ("PUB-01", "account public access block"),
    ("PUB-02", "student-records"),
    ("PUB-03", "public-site"),
    ("TLS-01", "public-site"),
    ("BAK-01", "student-records"),
    ("LOG-04", "student-records"),
    ("NET-01", "admin-open"),
    ("NET-02", "db-open"),
    ("ENC-04", "vol-unencrypted"),
    ("ENC-05", "alias/unrotated"),
    ("PUB-04", "gradebook"),
    ("ENC-02", "gradebook"),
    ("BAK-03", "gradebook"),
    ("TLS-02", "gradebook"),
    ("BAK-05", "gradebook"),
    ("BAK-02", "enrollments"),
    ("ENC-03", "enrollments"),
    ("LOG-01", "regional-trail"),
    ("LOG-02", "regional-trail"),
    ("EKS-01", "campus"),
    ("EKS-02", "campus"),
    ("EKS-03", "campus"),
    ("TLS-03", "portal:80"),
    ("IAM-14", "legacy-app"),
    ("IAM-14", "nodes-imdsv1"),
    ("ENC-04", "legacy-app"),
    ("ENC-04", "nodes-imdsv1"),
    ("PAT-01", "gradebook"),
    ("LOG-06", "gradebook"),
    ("IAM-15", "gradebook"),
    ("PUB-05", "gradebook-export"),
    ("BAK-03", "enrollments"),
    ("ENC-06", "alias/retired"),
]

# Configured well: no rule may fail on these.
GOOD = ["audit-logs", "alias/rotated", "ops-readonly", "ssh-bastion-internal", "imdsv2-app", "nodes-imdsv2"]

TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def client(service, endpoint, region):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


def seed_iam(c):
    c.update_account_password_policy(MinimumPasswordLength=6)
    c.create_user(UserName="alice")
    c.create_login_profile(UserName="alice", Password="Correct-Horse-9")
    c.create_user(UserName="deploy-bot")
    c.attach_user_policy(UserName="deploy-bot", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    c.create_access_key(UserName="deploy-bot")
    c.create_group(GroupName="ops")
    c.create_role(RoleName="ops-readonly", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    c.attach_role_policy(RoleName="ops-readonly", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    c.create_role(
        RoleName="vendor-access",
        AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
        ),
    )
    # Can pass any role to a new instance: escalation to whatever role it passes.
    c.create_role(RoleName="ci-runner", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    c.put_role_policy(
        RoleName="ci-runner",
        PolicyName="launch",
        PolicyDocument=doc({"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}),
    )
    c.create_role(RoleName="admin-role", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    c.attach_role_policy(RoleName="admin-role", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    c.create_policy(
        PolicyName="records-read",
        PolicyDocument=doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::audit-logs/*"}),
    )


def seed_s3(c, region):
    kw = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    c.create_bucket(Bucket="student-records", **kw)
    c.put_bucket_tagging(Bucket="student-records", Tagging={"TagSet": [{"Key": "data-classification", "Value": "ferpa"}]})
    c.put_bucket_ownership_controls(
        Bucket="student-records", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    c.put_bucket_acl(Bucket="student-records", ACL="public-read")

    c.create_bucket(Bucket="public-site", **kw)
    c.put_bucket_tagging(Bucket="public-site", Tagging={"TagSet": [{"Key": "data-classification", "Value": "public"}]})
    c.put_bucket_policy(
        Bucket="public-site",
        Policy=doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-site/*"}),
    )

    c.create_bucket(Bucket="audit-logs", **kw)
    c.put_bucket_tagging(
        Bucket="audit-logs",
        Tagging={"TagSet": [{"Key": "data-classification", "Value": "internal"}, {"Key": "owner", "Value": "security"}]},
    )
    c.put_bucket_versioning(Bucket="audit-logs", VersioningConfiguration={"Status": "Enabled"})
    # ACLs disabled, as for every bucket made on AWS since 2023: its ACL is not read.
    c.put_bucket_ownership_controls(
        Bucket="audit-logs", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    c.put_public_access_block(
        Bucket="audit-logs",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    c.put_bucket_encryption(
        Bucket="audit-logs",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/rotated"}}]
        },
    )
    c.create_bucket(Bucket="access-logs", ACL="log-delivery-write", **kw)
    c.put_bucket_logging(
        Bucket="audit-logs",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "audit-logs/"}},
    )
    c.put_bucket_policy(
        Bucket="audit-logs",
        Policy=doc(
            {
                "Sid": "TLSOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::audit-logs", "arn:aws:s3:::audit-logs/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    )


def seed_ec2(c):
    vpc = c.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    c.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "campus-vpc"}])
    subnet = c.create_subnet(VpcId=vpc, CidrBlock="10.10.1.0/24")["Subnet"]["SubnetId"]
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    c.associate_route_table(RouteTableId=rt, SubnetId=subnet)

    def group(name, port, cidr):
        g = c.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        c.authorize_security_group_ingress(
            GroupId=g,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}],
        )
        return g

    group("admin-open", 22, "0.0.0.0/0")
    group("db-open", 5432, "0.0.0.0/0")
    group("ssh-bastion-internal", 22, "10.10.0.0/16")
    acl = c.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    c.create_network_acl_entry(
        NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
        CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22},
    )
    # One instance and one launch template that still allow IMDSv1, one of each that does not.
    # The good ones also encrypt their volumes; the bad ones leave them to the AMI, unencrypted.
    image = "ami-0123456789abcdef0"  # the emulator does not check images
    encrypted = [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "VolumeSize": 8}}]
    for name, tokens, devices in [("legacy-app", "optional", []), ("imdsv2-app", "required", encrypted)]:
        c.run_instances(
            ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
            MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
            BlockDeviceMappings=devices,
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
        )
    for name, tokens, devices in [("nodes-imdsv1", "optional", []), ("nodes-imdsv2", "required", encrypted)]:
        data = {"InstanceType": "t3.micro", "MetadataOptions": {"HttpTokens": tokens}}
        if devices:
            data["BlockDeviceMappings"] = devices
        c.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data)
    c.disable_ebs_encryption_by_default()
    v = c.create_volume(AvailabilityZone=c.meta.region_name + "a", Size=8, Encrypted=False)["VolumeId"]
    c.create_tags(Resources=[v], Tags=[{"Key": "Name", "Value": "vol-unencrypted"}])
    return vpc, subnet


def seed_kms(c):
    bad = c.create_key(Description="unrotated")["KeyMetadata"]["KeyId"]
    c.create_alias(AliasName="alias/unrotated", TargetKeyId=bad)
    good = c.create_key(Description="rotated")["KeyMetadata"]["KeyId"]
    c.enable_key_rotation(KeyId=good)
    c.create_alias(AliasName="alias/rotated", TargetKeyId=good)
    retired = c.create_key(Description="retired")["KeyMetadata"]["KeyId"]
    c.enable_key_rotation(KeyId=retired)
    c.create_alias(AliasName="alias/retired", TargetKeyId=retired)
    c.schedule_key_deletion(KeyId=retired, PendingWindowInDays=7)


def seed_rds(c, subnet_ids):
    c.create_db_subnet_group(DBSubnetGroupName="public-db", DBSubnetGroupDescription="public", SubnetIds=subnet_ids)
    c.create_db_instance(
        DBInstanceIdentifier="gradebook",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        EngineVersion="13.7",
        MasterUsername="grader",
        MasterUserPassword="not-a-real-secret-1",
        AllocatedStorage=20,
        PubliclyAccessible=True,
        StorageEncrypted=False,
        BackupRetentionPeriod=0,
        AutoMinorVersionUpgrade=False,
        DBSubnetGroupName="public-db",
        Tags=[{"Key": "data-classification", "Value": "ferpa"}],
    )
    # A snapshot anyone can restore.
    c.create_db_snapshot(DBSnapshotIdentifier="gradebook-export", DBInstanceIdentifier="gradebook")
    c.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="gradebook-export", AttributeName="restore", ValuesToAdd=["all"]
    )


def seed_dynamodb(c):
    c.create_table(
        TableName="enrollments",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "data-classification", "Value": "ferpa"}],
    )


def seed_cloudtrail(c):
    c.create_trail(Name="regional-trail", S3BucketName="audit-logs", IsMultiRegionTrail=False)
    c.start_logging(Name="regional-trail")


def seed_eks(c, subnet):
    c.create_cluster(
        name="campus",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/admin-role",
        resourcesVpcConfig={"subnetIds": [subnet], "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]},
    )


def seed_elb(c, ec2, vpc, subnet):
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.10.2.0/24", AvailabilityZone=ec2.meta.region_name + "b")
    lb = c.create_load_balancer(Name="portal", Subnets=[subnet, other["Subnet"]["SubnetId"]], Type="application")
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    tg = c.create_target_group(Name="portal-web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    c.create_listener(
        LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}]
    )


def seed_bulk(endpoint, region, scale):
    """The benchmark's population: `scale` sets of plain resources."""
    iam = client("iam", endpoint, region)
    s3 = client("s3", endpoint, region)
    ddb = client("dynamodb", endpoint, region)
    kms = client("kms", endpoint, region)
    ec2 = client("ec2", endpoint, region)
    rds = client("rds", endpoint, region)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    counts = dict(users=200, roles=500, policies=100, buckets=200, groups=50, tables=50, keys=25, databases=17)
    n = {k: int(v * scale) for k, v in counts.items()}
    for i in range(n["policies"]):
        iam.create_policy(
            PolicyName=f"bulk-policy-{i}",
            PolicyDocument=doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": f"arn:aws:s3:::bulk-{i}/*"}),
        )
    for i in range(n["users"]):
        iam.create_user(UserName=f"bulk-user-{i}")
        iam.attach_user_policy(UserName=f"bulk-user-{i}", PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/bulk-policy-{i % max(1, n['policies'])}")
    for i in range(n["roles"]):
        iam.create_role(RoleName=f"bulk-role-{i}", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
        iam.put_role_policy(
            RoleName=f"bulk-role-{i}",
            PolicyName="inline",
            PolicyDocument=doc({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/bulk-{i}"}),
        )
    for i in range(n["buckets"]):
        s3.create_bucket(Bucket=f"bulk-bucket-{i}")
    for i in range(n["groups"]):
        ec2.create_security_group(GroupName=f"bulk-sg-{i}", Description="bulk", VpcId=vpc)
    for i in range(n["tables"]):
        ddb.create_table(
            TableName=f"bulk-table-{i}",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    for i in range(n["keys"]):
        kms.create_key(Description=f"bulk-key-{i}")
    for i in range(n["databases"]):
        rds.create_db_instance(
            DBInstanceIdentifier=f"bulk-db-{i}", DBInstanceClass="db.t3.micro", Engine="postgres",
            EngineVersion="16.3", MasterUsername="admin", MasterUserPassword="not-a-real-secret-2",
            AllocatedStorage=20, StorageEncrypted=True, BackupRetentionPeriod=7,
        )
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--scale", type=float, default=0, help="add SCALE sets of bulk resources (benchmark; 0.1 is a tenth)")
    ap.add_argument("--bulk-only", action="store_true", help="only the bulk resources, no planted ones")
    args = ap.parse_args()
    if not args.endpoint.startswith(("http://127.0.0.1", "http://localhost")):
        sys.exit("refusing to seed a non-local endpoint")
    region = args.region
    created = {}
    if not args.bulk_only:
        ec2 = client("ec2", args.endpoint, region)
        seed_iam(client("iam", args.endpoint, region))
        seed_s3(client("s3", args.endpoint, region), region)
        vpc, subnet = seed_ec2(ec2)
        seed_kms(client("kms", args.endpoint, region))
        seed_rds(client("rds", args.endpoint, region), [subnet])
        seed_dynamodb(client("dynamodb", args.endpoint, region))
        seed_cloudtrail(client("cloudtrail", args.endpoint, region))
        seed_eks(client("eks", args.endpoint, region), subnet)
        seed_elb(client("elbv2", args.endpoint, region), ec2, vpc, subnet)
        created["planted"] = PLANTED
        created["good"] = GOOD
    if args.scale:
        created["bulk"] = seed_bulk(args.endpoint, region, args.scale)
    json.dump(created, sys.stdout)
    print()


if __name__ == "__main__":
    main()
