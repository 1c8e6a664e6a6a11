//! The Kubernetes deployment of the nightly scan (`deploy/kubernetes`): it passes rampart's own
//! Kubernetes rules, runs an indexed Job of shards as the IRSA service account, and its shard
//! script, run once per index against a seeded moto server, merges into the unsharded snapshot.

mod common;

use common::{crate_dir, rampart, text};
use serde_json::Value;

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(crate_dir().join(path)).unwrap();
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_deployment_passes_rampart_own_kubernetes_rules() {
    let o = rampart(
        &[
            "scan",
            "deploy/kubernetes",
            "--format",
            "json",
            "--fail-on",
            "low",
        ],
        &crate_dir(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["summary"]["resources"].as_u64().unwrap() >= 4, "{v}");
    assert_eq!(v["summary"]["by_status"]["fail"], 0);
    assert_eq!(v["summary"]["by_status"]["error"], 0);
}

#[test]
fn the_cronjob_runs_an_indexed_job_of_shards_as_the_irsa_service_account() {
    let cron = yaml("deploy/kubernetes/cronjob.yaml");
    let job = &cron["spec"]["jobTemplate"]["spec"];
    assert_eq!(job["completionMode"], "Indexed");
    let pod = &job["template"]["spec"];
    let env = pod["containers"][0]["env"].as_array().unwrap();
    let var = |name: &str| {
        env.iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let shards: u64 = var("SHARDS").parse().unwrap();
    assert_eq!(job["completions"].as_u64(), Some(shards));
    assert_eq!(job["parallelism"].as_u64(), Some(shards));
    assert_eq!(pod["serviceAccountName"], "rampart");
    let sa = yaml("deploy/kubernetes/serviceaccount.yaml");
    assert_eq!(sa["metadata"]["name"], "rampart");
    assert!(sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:iam::"));
    // The image has no shell: the container runs rampart itself.
    let container = &pod["containers"][0];
    assert!(container["command"].is_null(), "{container:#}");
    assert_eq!(container["args"][0], "nightly");
    let dockerfile = std::fs::read_to_string(crate_dir().join("deploy/Dockerfile")).unwrap();
    assert!(dockerfile.contains("FROM gcr.io/distroless/cc-debian12:nonroot"));
}

#[cfg(feature = "aws")]
#[test]
fn the_nightly_shards_run_per_index_merge_into_the_unsharded_snapshot() {
    use common::moto::{aws_env, rampart_aws_ok, Server};
    let moto = Server::start();
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let regions = "us-east-1,eu-west-1,us-west-2";
    rampart_aws_ok(
        &moto.url,
        &["collect", "aws", "--regions", regions, "-o", "whole.json"],
        dir.path(),
    );

    let evidence = dir.path().join("evidence");
    for index in 0..3 {
        // As the CronJob runs it: the index and the shard count from the environment.
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args(["nightly", "--", "aws", "--regions", regions])
            .env("SHARDS", "3")
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .env("EVIDENCE_DIR", &evidence)
            .env("RUN_ID", "night")
            .envs(aws_env(&moto.url))
            .current_dir(dir.path())
            .output()
            .expect("rampart runs");
        assert!(o.status.success(), "shard {index}: {}", text(&o));
        let merged = evidence.join("night/snapshot.json").exists();
        assert_eq!(merged, index == 2, "only the last shard merges");
    }
    assert_eq!(
        std::fs::read_to_string(evidence.join("night/snapshot.json")).unwrap(),
        std::fs::read_to_string(dir.path().join("whole.json")).unwrap()
    );
    let findings: Value = serde_json::from_str(
        &std::fs::read_to_string(evidence.join("night/report/findings.json")).unwrap(),
    )
    .unwrap();
    assert!(findings["summary"]["by_status"]["fail"].as_u64().unwrap() > 0);
}
