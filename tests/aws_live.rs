//! The live AWS collectors, with the real AWS SDK over HTTP against a moto server seeded with
//! planted problems (`tests/aws/seed.py`): what they collect, what the rules find in it, what a
//! denied, throttled, failing or slow call does to the run, sharding and merging, the diff of two
//! nights, and where live findings point in SARIF.

#![cfg(feature = "aws")]

mod common;

use common::moto::{rampart_aws, rampart_aws_ok, Proxy, Server};
use common::{crate_dir, rampart, text};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

fn read_json(p: &Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// (rule, resource name) of every failure.
fn failures(findings: &Value) -> BTreeSet<(String, String)> {
    findings["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "fail")
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().to_string(),
                r["resource"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn scan_file(snapshot: &Path, cwd: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "scan",
        snapshot.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    args.extend_from_slice(extra);
    let o = common::rampart(&args, cwd);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn coverage_errors(doc: &Value) -> BTreeSet<String> {
    doc["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "error")
        .map(|c| c["scope"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn collects_the_seeded_account_and_finds_every_planted_problem() {
    let moto = Server::start();
    let seeded = moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");

    let o = rampart_aws_ok(
        &moto.url,
        &[
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "-o",
            snap.to_str().unwrap(),
        ],
        dir.path(),
    );
    let bytes = std::fs::read(&snap).unwrap();
    let digest = rampart::model::sha256_hex(&bytes);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&digest),
        "the snapshot's SHA-256 is printed: {}",
        text(&o)
    );
    let snapshot = read_json(&snap);
    common::assert_valid(&common::schema_validator("snapshot.schema.json"), &snapshot);
    // What the live collectors write for the types with a typed model is what the model says.
    let checked =
        common::assert_resources_match_their_schemas(snapshot["resources"].as_array().unwrap());
    assert!(
        checked >= 10,
        "only {checked} live resources have a typed model"
    );
    assert_eq!(
        coverage_errors(&snapshot),
        BTreeSet::new(),
        "every call succeeded"
    );
    let types: BTreeSet<&str> = snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    for t in [
        "aws_iam_user",
        "aws_iam_role",
        "aws_iam_group",
        "aws_iam_policy",
        "aws_iam_user_credentials",
        "aws_iam_account_password_policy",
        "aws_s3_bucket",
        "aws_s3_account_public_access_block",
        "aws_vpc",
        "aws_subnet",
        "aws_route_table",
        "aws_internet_gateway",
        "aws_security_group",
        "aws_network_acl",
        "aws_ebs_volume",
        "aws_ebs_encryption_by_default",
        "aws_kms_key",
        "aws_db_instance",
        "aws_dynamodb_table",
        "aws_cloudtrail",
        "aws_eks_cluster",
        "aws_lb",
        "aws_lb_listener",
    ] {
        assert!(types.contains(t), "no {t} collected; got {types:?}");
    }
    // A bucket's ACL is read only where ACLs are enabled, its Object Lock only where versioning
    // is on: the calls made are exactly those, and the others stand as what they imply.
    let buckets: Vec<&Value> = snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "aws_s3_bucket")
        .collect();
    let calls = |op: &str| -> usize {
        snapshot["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["scope"].as_str().unwrap().ends_with(&format!("/s3/{op}")))
            .map(|c| {
                c["detail"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum()
    };
    let enforced = buckets
        .iter()
        .filter(|b| {
            b["attributes"]["ownership_controls"]["object_ownership"] == "BucketOwnerEnforced"
        })
        .count();
    let versioned = buckets
        .iter()
        .filter(|b| b["attributes"]["versioning"]["status"] == "Enabled")
        .count();
    assert!(
        enforced > 0 && enforced < buckets.len(),
        "the scenario has both kinds"
    );
    assert_eq!(calls("GetBucketAcl"), buckets.len() - enforced);
    assert_eq!(calls("GetObjectLockConfiguration"), versioned);
    for b in buckets.iter().filter(|b| {
        b["attributes"]["ownership_controls"]["object_ownership"] == "BucketOwnerEnforced"
    }) {
        assert_eq!(
            b["attributes"]["acl"]["grants"],
            serde_json::json!([]),
            "{b}"
        );
    }

    // Only reads, never secrets: the database's master password is nowhere in the snapshot.
    assert!(!String::from_utf8_lossy(&bytes).contains("not-a-real-secret"));

    // A second collection of the same account is byte-for-byte the same snapshot.
    let again = dir.path().join("again.json");
    rampart_aws_ok(
        &moto.url,
        &[
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "-o",
            again.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(
        std::fs::read(&again).unwrap(),
        bytes,
        "snapshots are deterministic"
    );

    // Every planted problem is found; nothing fails on the resources configured well.
    let findings = scan_file(&snap, dir.path(), &[]);
    common::assert_valid(&common::schema_validator("findings.schema.json"), &findings);
    let found = failures(&findings);
    let planted: BTreeSet<(String, String)> =
        serde_json::from_value(seeded["planted"].clone()).unwrap();
    let missed: Vec<_> = planted.difference(&found).collect();
    assert!(missed.is_empty(), "planted problems missed: {missed:?}");
    for good in seeded["good"].as_array().unwrap() {
        let good = good.as_str().unwrap();
        let wrong: Vec<_> = found.iter().filter(|(_, name)| name == good).collect();
        assert!(
            wrong.is_empty(),
            "{good} is configured well but failed: {wrong:?}"
        );
    }

    // `scan aws` (collect and evaluate in one) judges exactly as the saved snapshot is judged.
    let o = rampart_aws_ok(
        &moto.url,
        &[
            "scan",
            "aws",
            "--regions",
            "us-east-1",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        dir.path(),
    );
    let direct: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(failures(&direct), found);
    // Both judged the same collected snapshot: the one in the file, by its digest.
    assert_eq!(findings["input_snapshot_digest"], digest.as_str());
    assert_eq!(direct["input_snapshot_digest"], digest.as_str());
}

#[test]
fn live_findings_point_at_the_tf_declaration_or_the_snapshot_entry() {
    let moto = Server::start();
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let tf = crate_dir().join("tests/fixtures/aws-live/terraform");
    let sarif = dir.path().join("results.sarif");
    rampart_aws_ok(
        &moto.url,
        &[
            "scan",
            "aws",
            "--regions",
            "us-east-1",
            "--snapshot",
            "snapshot.json",
            "--source",
            tf.to_str().unwrap(),
            "--root",
            crate_dir().to_str().unwrap(),
            "--sarif",
            sarif.to_str().unwrap(),
            "--fail-on",
            "never",
        ],
        dir.path(),
    );
    common::sarif_multitool_problems(&sarif);
    let doc = read_json(&sarif);
    let location = |rule: &str, needle: &str| -> (String, u64) {
        let r = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["ruleId"] == rule && r["message"]["text"].as_str().unwrap().contains(needle)
            })
            .unwrap_or_else(|| panic!("no {rule} result mentioning {needle}"));
        let loc = &r["locations"][0]["physicalLocation"];
        (
            loc["artifactLocation"]["uri"].as_str().unwrap().to_string(),
            loc["region"]["startLine"].as_u64().unwrap(),
        )
    };
    // Declared in Terraform: the versioning finding points at the versioning block.
    let (file, line) = location("BAK-01", "student-records");
    assert_eq!(file, "tests/fixtures/aws-live/terraform/main.tf");
    assert_eq!(
        line, 13,
        "versioning_configuration in the aws_s3_bucket_versioning block"
    );
    let (file, line) = location("NET-01", "admin-open");
    assert_eq!(file, "tests/fixtures/aws-live/terraform/main.tf");
    assert!(
        (18..=28).contains(&line),
        "inside the security group block: {line}"
    );
    // Not in Terraform: the database's entry in the snapshot the run kept.
    let (file, line) = location("PUB-04", "gradebook");
    assert!(file.ends_with("snapshot.json"), "{file}");
    let snapshot = std::fs::read_to_string(dir.path().join("snapshot.json")).unwrap();
    let entry = snapshot.lines().nth(line as usize - 1).unwrap();
    assert!(
        entry.contains("\"uid\": \"arn:aws:rds:us-east-1:123456789012:db:gradebook\""),
        "{entry}"
    );
}

#[test]
fn denied_throttled_failing_and_slow_calls_are_errors_for_exactly_their_rules() {
    let moto = Server::start();
    moto.seed(&[]);
    let proxy = Proxy::start(
        &moto.url,
        &json!({
            "GetBucketPolicy": "deny",
            "DescribeSecurityGroups": "throttle",
            "ListKeys": "500",
        }),
    );
    let dir = tempfile::tempdir().unwrap();
    let o = rampart_aws(
        &proxy.url,
        // Adaptive retry slows a throttled client down until the call's time is up; 20 s
        // leaves the 500s room for their backed-off retries.
        &[
            "scan",
            "aws",
            "--regions",
            "us-east-1",
            "--format",
            "json",
            "--call-timeout",
            "20",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "an incomplete run exits 2: {}",
        text(&o)
    );
    let findings: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(findings["incomplete"], true);
    let errors = coverage_errors(&findings);
    assert_eq!(
        errors,
        BTreeSet::from([
            "aws/123456789012/global/s3/GetBucketPolicy".to_string(),
            "aws/123456789012/us-east-1/ec2/DescribeSecurityGroups".to_string(),
            "aws/123456789012/us-east-1/kms/ListKeys".to_string(),
        ])
    );
    let detail = |scope: &str| -> String {
        findings["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["scope"].as_str().unwrap().ends_with(scope))
            .unwrap()["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        detail("GetBucketPolicy").contains("access denied"),
        "{}",
        detail("GetBucketPolicy")
    );
    assert!(
        detail("DescribeSecurityGroups").contains("throttled"),
        "{}",
        detail("DescribeSecurityGroups")
    );
    assert!(
        detail("ListKeys").contains("HTTP 500"),
        "{}",
        detail("ListKeys")
    );
    // The SDK retried the failing call before giving up. (How often a throttled call is tried
    // again is the adaptive rate limiter's decision, which slows the whole client down.)
    let stats = proxy.stats();
    assert!(stats["ListKeys"].as_u64().unwrap() >= 2, "{stats}");

    // Rules on the unread types are errors, never passes.
    let errored: BTreeSet<&str> = findings["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "error")
        .map(|r| r["rule_id"].as_str().unwrap())
        .collect();
    for rule in ["PUB-03", "TLS-01", "NET-01", "NET-02", "ENC-05"] {
        assert!(
            errored.contains(rule),
            "{rule} is not an error: {errored:?}"
        );
    }
    for rule in ["IAM-03", "PUB-04", "LOG-01", "EKS-01", "BAK-02"] {
        assert!(
            !errored.contains(rule),
            "{rule} needed none of the failed calls"
        );
    }
    // What could be read is still judged.
    let found = failures(&findings);
    assert!(found.contains(&("IAM-03".to_string(), "alice".to_string())));
    assert!(found.contains(&("PUB-04".to_string(), "gradebook".to_string())));

    // A call slower than --call-timeout is given up and reported, and the rest goes on.
    let slow = Proxy::start(&moto.url, &json!({"DescribeTable": {"slow": 30}}));
    let only_gap = |limit: &str, seconds: &str, out: &str| -> Value {
        let o = rampart_aws(
            &slow.url,
            &[
                "collect",
                "aws",
                "--regions",
                "us-east-1",
                "--services",
                "dynamodb",
                limit,
                seconds,
                "-o",
                out,
            ],
            dir.path(),
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let snapshot = read_json(&dir.path().join(out));
        let gaps: Vec<&Value> = snapshot["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "error")
            .collect();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        gaps[0].clone()
    };
    let gap = only_gap("--call-timeout", "2", "d.json");
    assert!(gap["scope"]
        .as_str()
        .unwrap()
        .ends_with("dynamodb/DescribeTable"));
    assert!(
        gap["detail"].as_str().unwrap().contains("timed out"),
        "{gap}"
    );
    // The overall deadline ends the collection; what was not read by then is reported unread.
    let gap = only_gap("--deadline", "3", "late.json");
    assert!(
        gap["detail"].as_str().unwrap().contains("overall deadline"),
        "{gap}"
    );

    // --allow-partial: the same gaps, reported, but the exit status is that of the findings.
    let o = rampart_aws(
        &proxy.url,
        &[
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "--services",
            "s3",
            "--allow-partial",
            "-o",
            "s.json",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let snapshot = read_json(&dir.path().join("s.json"));
    assert_eq!(
        coverage_errors(&snapshot),
        BTreeSet::from(["aws/123456789012/global/s3/GetBucketPolicy".to_string()])
    );
}

#[test]
fn moto_iam_enforcement_reports_exactly_what_the_scanner_may_not_read() {
    let moto = Server::start();
    moto.seed(&[]);
    // A scanning user allowed to read everything but bucket policies and security groups.
    let keys = moto.python(
        r#"
iam = c("iam")
iam.create_user(UserName="scanner")
iam.put_user_policy(UserName="scanner", PolicyName="read", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "iam:GenerateCredentialReport", "sts:GetCallerIdentity",
        "ec2:Describe*", "ec2:Get*", "s3:Get*", "s3:List*", "kms:Describe*", "kms:Get*", "kms:List*",
        "rds:Describe*", "dynamodb:Describe*", "dynamodb:List*", "cloudtrail:Describe*", "cloudtrail:Get*",
        "eks:Describe*", "eks:List*", "elasticloadbalancing:Describe*", "wafv2:Get*"], "Resource": "*"},
    {"Effect": "Deny", "Action": ["s3:GetBucketPolicy", "ec2:DescribeSecurityGroups"], "Resource": "*"}]}))
k = iam.create_access_key(UserName="scanner")["AccessKey"]
print(k["AccessKeyId"], k["SecretAccessKey"])
"#,
    );
    let (id, secret) = keys.trim().split_once(' ').unwrap();
    // From now on moto checks every request against the caller's IAM policies.
    moto.python("import urllib.request\nurllib.request.urlopen(urllib.request.Request(E + '/moto-api/reset-auth', data=b'0', headers={'Content-Type': 'text/plain'}, method='POST'))");
    let dir = tempfile::tempdir().unwrap();
    let o = rampart_aws(
        &moto.url,
        // EKS is left out: moto's signature check rejects the SDK's signed REST-JSON GETs
        // (SignatureDoesNotMatch), which rampart rightly reports, but it is not a permission.
        &[
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "-o",
            "s.json",
            "--services",
            "iam,ec2,s3,kms,rds,dynamodb,cloudtrail,elbv2",
        ],
        dir.path(),
        &[("AWS_ACCESS_KEY_ID", id), ("AWS_SECRET_ACCESS_KEY", secret)],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let snapshot = read_json(&dir.path().join("s.json"));
    assert_eq!(
        coverage_errors(&snapshot),
        BTreeSet::from([
            "aws/123456789012/global/s3/GetBucketPolicy".to_string(),
            "aws/123456789012/us-east-1/ec2/DescribeSecurityGroups".to_string(),
        ]),
        "exactly the denied calls"
    );
    let n_buckets = snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "aws_s3_bucket")
        .count();
    assert_eq!(n_buckets, 4, "the buckets themselves were still read");
}

#[test]
fn shards_merge_into_the_unsharded_snapshot() {
    let moto = Server::start();
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let regions = "us-east-1,eu-west-1,us-west-2";
    let collect = |out: &str, shard: Option<&str>| {
        let mut args = vec!["collect", "aws", "--regions", regions, "-o", out];
        if let Some(s) = shard {
            args.extend_from_slice(&["--shard", s]);
        }
        let o = rampart_aws(&moto.url, &args, dir.path(), &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    };
    collect("whole.json", None);
    for k in 1..=3 {
        collect(&format!("shard-{k}.json"), Some(&format!("{k}/3")));
    }
    let shard_sizes: Vec<usize> = (1..=3)
        .map(|k| {
            read_json(&dir.path().join(format!("shard-{k}.json")))["resources"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    assert!(
        shard_sizes.iter().all(|&n| n > 0),
        "every shard has work: {shard_sizes:?}"
    );
    let o = common::rampart(
        &[
            "merge",
            "shard-1.json",
            "shard-2.json",
            "shard-3.json",
            "-o",
            "merged.json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("merged.json")).unwrap(),
        std::fs::read_to_string(dir.path().join("whole.json")).unwrap(),
        "the merge of the shards is the unsharded snapshot"
    );
    let whole = scan_file(&dir.path().join("whole.json"), dir.path(), &[]);
    let merged = scan_file(&dir.path().join("merged.json"), dir.path(), &[]);
    // Findings point into the file they were read from; otherwise they are the same.
    assert_eq!(
        whole["results"].to_string(),
        merged["results"]
            .to_string()
            .replace("merged.json", "whole.json")
    );
}

#[test]
fn diff_tells_what_changed_since_the_previous_night() {
    let moto = Server::start();
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let night = |name: &str| {
        rampart_aws_ok(
            &moto.url,
            &[
                "scan",
                "aws",
                "--regions",
                "us-east-1",
                "--json",
                name,
                "--fail-on",
                "never",
                "--format",
                "json",
            ],
            dir.path(),
        );
    };
    night("monday.json");
    // Overnight: versioning fixed on the records bucket, RDP opened to the world.
    moto.python(
        r#"
c("s3").put_bucket_versioning(Bucket="student-records", VersioningConfiguration={"Status": "Enabled"})
ec2 = c("ec2")
g = ec2.create_security_group(GroupName="rdp-open", Description="rdp")["GroupId"]
ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
"#,
    );
    night("tuesday.json");
    let o = common::rampart(
        &[
            "diff",
            "monday.json",
            "tuesday.json",
            "--format",
            "json",
            "--fail-on-new",
        ],
        dir.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "new failures with --fail-on-new: {}",
        text(&o)
    );
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    let names = |k: &str| -> BTreeSet<(String, String)> {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["resource"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert!(
        names("new").contains(&("NET-01".into(), "rdp-open".into())),
        "{d}"
    );
    assert_eq!(
        names("resolved"),
        BTreeSet::from([("BAK-01".into(), "student-records".into())])
    );
    assert!(names("unchanged").contains(&("IAM-03".into(), "alice".into())));
    let o = common::rampart(
        &[
            "diff",
            "monday.json",
            "tuesday.json",
            "--format",
            "markdown",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("| NET-01 | high | rdp-open |"),
        "{}",
        text(&o)
    );
}

#[test]
fn reads_every_account_of_the_organization_through_an_assumed_role() {
    let moto = Server::start();
    moto.seed(&[]);
    // An organization with one member account, which has a bucket of its own.
    let member = moto.python(
        r#"
org = c("organizations")
org.create_organization(FeatureSet="ALL")
acct = org.create_account(Email="member@example.edu", AccountName="member")["CreateAccountStatus"]["AccountId"]
creds = c("sts").assume_role(RoleArn=f"arn:aws:iam::{acct}:role/OrganizationAccountAccessRole", RoleSessionName="seed")["Credentials"]
s3 = boto3.client("s3", endpoint_url=E, region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
                  aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
s3.create_bucket(Bucket="member-bucket")
scp = org.create_policy(Name="no-bucket-deletion", Type="SERVICE_CONTROL_POLICY", Description="guard",
    Content=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}))
org.attach_policy(PolicyId=scp["Policy"]["PolicySummary"]["Id"], TargetId=acct)
print(acct)
"#,
    );
    let member = member.trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let accounts_of = |snapshot: &Value| -> BTreeSet<(String, String)> {
        snapshot["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "aws_s3_bucket")
            .map(|r| {
                (
                    r["account"].as_str().unwrap().to_string(),
                    r["name"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };

    rampart_aws_ok(
        &moto.url,
        &[
            "collect",
            "aws",
            "--organization",
            "--role-name",
            "OrganizationAccountAccessRole",
            "--regions",
            "us-east-1",
            "--services",
            "s3",
            "-o",
            "org.json",
        ],
        dir.path(),
    );
    let org = read_json(&dir.path().join("org.json"));
    let sources: BTreeSet<&str> = org["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        sources.contains("aws:123456789012") && sources.contains(format!("aws:{member}").as_str()),
        "{sources:?}"
    );
    // The service control policies that apply, with where they are attached.
    let scps: Vec<&Value> = org["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "aws_organizations_policy")
        .collect();
    let guard = scps
        .iter()
        .find(|p| p["name"] == "no-bucket-deletion")
        .unwrap_or_else(|| panic!("SCP not read: {scps:?}"));
    assert!(guard["attributes"].to_string().contains(&member), "{guard}");
    assert!(
        guard["attributes"].to_string().contains("s3:DeleteBucket"),
        "{guard}"
    );
    assert!(
        scps.iter().any(|p| p["name"] == "FullAWSAccess"),
        "{scps:?}"
    );
    assert!(org["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["type"] == "aws_organizations_account" && r["name"] == member.as_str()));
    let buckets = accounts_of(&org);
    assert!(
        buckets.contains(&(member.clone(), "member-bucket".to_string())),
        "{buckets:?}"
    );
    assert!(
        buckets.contains(&("123456789012".to_string(), "student-records".to_string())),
        "{buckets:?}"
    );

    // The same member from an accounts file (a role ARN), and with --role-arn directly.
    std::fs::write(
        dir.path().join("accounts.txt"),
        format!("# the member account\narn:aws:iam::{member}:role/OrganizationAccountAccessRole\n"),
    )
    .unwrap();
    let role = format!("arn:aws:iam::{member}:role/OrganizationAccountAccessRole");
    for args in [
        vec!["--accounts", "accounts.txt"],
        vec!["--role-arn", role.as_str(), "--external-id", "nightly"],
    ] {
        let mut all = vec![
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "--services",
            "s3",
            "-o",
            "one.json",
        ];
        all.extend(args.iter().copied());
        let o = rampart_aws(&moto.url, &all, dir.path(), &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let buckets = accounts_of(&read_json(&dir.path().join("one.json")));
        assert_eq!(
            buckets,
            BTreeSet::from([(member.clone(), "member-bucket".to_string())]),
            "{args:?}"
        );
    }

    // Without the account list nothing is read (the caller's account alone would pass for the
    // organization), and every rule on AWS data is unassessed.
    let proxy = Proxy::start(&moto.url, &json!({"ListAccounts": "deny"}));
    let o = rampart_aws(
        &proxy.url,
        &[
            "collect",
            "aws",
            "--organization",
            "--role-name",
            "OrganizationAccountAccessRole",
            "--regions",
            "us-east-1",
            "--services",
            "s3",
            "-o",
            "denied.json",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let denied = read_json(&dir.path().join("denied.json"));
    assert_eq!(denied["resources"].as_array().unwrap().len(), 0);
    let gap = denied["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"] == "aws/organization/global/organizations/ListAccounts")
        .expect("the listing is a coverage entry");
    assert_eq!(gap["status"], "error");
    assert!(
        gap["resource_types"]
            .as_array()
            .unwrap()
            .contains(&json!("aws_s3_bucket")),
        "{gap}"
    );
}

#[test]
fn without_regions_every_region_enabled_for_the_account_is_read() {
    let moto = Server::start();
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    rampart_aws_ok(
        &moto.url,
        &["collect", "aws", "--services", "kms", "-o", "kms.json"],
        dir.path(),
    );
    let snapshot = read_json(&dir.path().join("kms.json"));
    let scopes: Vec<&str> = snapshot["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scope"].as_str().unwrap())
        .collect();
    assert!(
        scopes.contains(&"aws/123456789012/global/ec2/DescribeRegions"),
        "{scopes:?}"
    );
    let regions: BTreeSet<&str> = scopes
        .iter()
        .filter(|s| s.ends_with("/kms/ListKeys"))
        .map(|s| s.split('/').nth(2).unwrap())
        .collect();
    assert!(regions.len() >= 10, "only {regions:?}");
    assert!(regions.contains("us-east-1") && regions.contains("eu-west-1"));
    // The seeded keys (the emulator adds its own aws/ebs key for the encrypted volumes).
    let keys: BTreeSet<&str> = snapshot["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "aws_kms_key" && r["region"] == "us-east-1")
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(
        keys.contains("alias/rotated") && keys.contains("alias/unrotated"),
        "{keys:?}"
    );
}

/// Each (rule, resource) that passed, with the rule's `reads` from `rampart rules --json`.
fn passes_on_unread_values(findings: &Value, snapshot: &Value, cwd: &Path) -> Vec<String> {
    let rules: Value = serde_json::from_slice(&rampart(&["rules", "--json"], cwd).stdout).unwrap();
    let reads_of = |id: &str| -> Vec<String> {
        rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .and_then(|r| r["reads"].as_array())
            .map(|a| a.iter().map(|p| p.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let unread = |uid: &str| -> Vec<String> {
        snapshot["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["uid"] == uid)
            .map(|r| {
                r["attribute_meta"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter(|(_, m)| m["provenance"] == "not_read")
                    .map(|(p, _)| p.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for r in findings["results"].as_array().unwrap() {
        if r["status"] != "pass" {
            continue;
        }
        let (rule, uid) = (
            r["rule_id"].as_str().unwrap(),
            r["resource"]["uid"].as_str().unwrap(),
        );
        let reads = reads_of(rule);
        for path in unread(uid) {
            let first = path.split('.').next().unwrap();
            if reads
                .iter()
                .any(|read| read.split('.').next() == Some(first))
            {
                out.push(format!("{rule} passed {uid} with {path} unread"));
            }
        }
    }
    out
}

#[test]
fn a_failed_read_is_an_error_on_exactly_the_resource_it_concerns() {
    let moto = Server::start();
    moto.seed(&[]);
    let proxy = Proxy::start(
        &moto.url,
        &json!({
            "GetBucketPolicy": {"kind": "deny", "only": "public-site"},
            "DescribeDBParameters": "deny",
            "DescribeVolumes": "deny",
        }),
    );
    let dir = tempfile::tempdir().unwrap();
    let o = rampart_aws(
        &proxy.url,
        &[
            "scan",
            "aws",
            "--regions",
            "us-east-1",
            "--format",
            "json",
            "--snapshot",
            "s.json",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let findings: Value = serde_json::from_slice(&o.stdout).unwrap();
    let status = |rule: &str, name: &str| -> String {
        findings["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule_id"] == rule && r["resource"]["name"] == name)
            .unwrap_or_else(|| panic!("no {rule} on {name}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The bucket whose policy could not be read, and only it, is not assessed by the rules that
    // read the policy; what they judge on the other buckets stands.
    assert_eq!(status("TLS-01", "public-site"), "error");
    assert_eq!(status("PUB-03", "public-site"), "error");
    assert_eq!(status("TLS-01", "student-records"), "fail");
    assert_eq!(status("PUB-03", "audit-logs"), "pass");
    assert_eq!(
        status("ENC-01", "public-site"),
        "pass",
        "its encryption was read"
    );
    // The database whose parameter group could not be read is not assessed for TLS.
    assert_eq!(status("TLS-02", "gradebook"), "error");
    let msg = findings["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == "TLS-02" && r["resource"]["name"] == "gradebook")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("rds:DescribeDBParameters")
            && msg.contains("access denied")
            && !msg.contains('\n'),
        "{msg}"
    );
    // An instance whose volumes could not be read is not assessed for their encryption; what
    // was read of it (its metadata options) is judged.
    assert_eq!(status("ENC-04", "imdsv2-app"), "error");
    assert_eq!(status("IAM-14", "imdsv2-app"), "pass");
    // The failures are recorded on their resources, not held against every bucket.
    let policy_gap = findings["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"].as_str().unwrap().ends_with("s3/GetBucketPolicy"))
        .unwrap();
    assert_eq!(policy_gap["status"], "error");
    assert!(policy_gap.get("resource_types").is_none(), "{policy_gap}");
    let snapshot = read_json(&dir.path().join("s.json"));
    assert_eq!(
        passes_on_unread_values(&findings, &snapshot, dir.path()),
        Vec::<String>::new()
    );
}

#[test]
fn an_endpoint_that_goes_away_part_way_leaves_no_pass_on_what_was_not_read() {
    let moto = Server::start();
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    // How many requests a whole collection makes, then an endpoint that stops half way.
    let counting = Proxy::start(&moto.url, &json!({}));
    rampart_aws(
        &counting.url,
        &[
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "-o",
            "full.json",
        ],
        dir.path(),
        &[],
    );
    let total = counting.stats()["__total__"].as_u64().unwrap();
    // Cut at a quarter, half and three quarters: each leaves different calls unanswered.
    for cut in [total / 4, total / 2, total * 3 / 4] {
        let gone = Proxy::start(&moto.url, &json!({"__gone_after__": cut}));
        let o = rampart_aws(
            &gone.url,
            &[
                "scan",
                "aws",
                "--regions",
                "us-east-1",
                "--format",
                "json",
                "--snapshot",
                "half.json",
                "--call-timeout",
                "10",
            ],
            dir.path(),
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "cut after {cut}: {}", text(&o));
        let findings: Value = serde_json::from_slice(&o.stdout).unwrap();
        let snapshot = read_json(&dir.path().join("half.json"));
        assert_eq!(
            passes_on_unread_values(&findings, &snapshot, dir.path()),
            Vec::<String>::new(),
            "cut after {cut} of {total} calls"
        );
        // Every gap says, in one line, that the endpoint could not be reached: not a
        // credentials problem.
        let gaps: Vec<&Value> = findings["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "error")
            .collect();
        assert!(!gaps.is_empty());
        for g in gaps {
            let d = g["detail"].as_str().unwrap();
            assert!(!d.contains('\n') && !d.contains("credentials"), "{d}");
        }
        assert!(
            findings["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["status"] == "error"),
            "what was not read is not assessed"
        );
    }
}

#[test]
fn a_live_scan_written_to_a_directory_keeps_every_finding_in_its_sarif() {
    let moto = Server::start();
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let o = rampart_aws(
        &moto.url,
        &["scan", "aws", "--regions", "us-east-1", "-o", "out"],
        dir.path(),
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let findings = read_json(&dir.path().join("out/findings.json"));
    let sarif = read_json(&dir.path().join("out/results.sarif"));
    let failing = findings["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "fail" || r["status"] == "waived")
        .count();
    let alerts = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(failing > 0);
    assert_eq!(alerts.len(), failing, "every finding is an alert");
    for a in alerts {
        assert_eq!(
            a["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "out/snapshot.json"
        );
    }
    // The snapshot the alerts point into is the one collected, and judges the same again.
    let again = scan_file(&dir.path().join("out/snapshot.json"), dir.path(), &[]);
    assert_eq!(failures(&again), failures(&findings));
}

#[test]
fn a_refused_connection_is_named_as_such_not_as_a_credentials_problem() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let o = rampart_aws(
        &url,
        &[
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "--call-timeout",
            "3",
            "-o",
            "s.json",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.contains("could not connect")
            && last.contains("refused")
            && !last.contains("credentials"),
        "{last}"
    );
}
