//! The pre-commit hook (.pre-commit-hooks.yaml), run by pre-commit itself on a temporary git
//! repository: it scans the changed Terraform modules and manifests and fails the commit on
//! findings at the threshold.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

fn git(repo: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

/// A git repository with the files staged.
fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let repo = tree(files);
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    repo
}

/// `pre-commit try-repo` this checkout's hook on `repo`, over `files` (all when empty).
fn run_hook(repo: &Path, files: &[&str]) -> Output {
    let pre_commit = tool(
        "PRE_COMMIT",
        Path::new("pre-commit"),
        "pre-commit (PyPI, tests/requirements.txt)",
    );
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(pre_commit);
    cmd.arg("try-repo")
        .arg(crate_dir())
        .arg("rampart")
        .arg("--verbose")
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", home.path())
        .env("RAMPART", env!("CARGO_BIN_EXE_rampart"))
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.edu")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.edu");
    if files.is_empty() {
        cmd.arg("--all-files");
    } else {
        cmd.arg("--files").args(files);
    }
    cmd.output().unwrap()
}

const VARIABLES: &str = "variable \"env\" {\n  default = \"prod\"\n}\n";
const PRIVILEGED_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: tools}\nspec:\n  containers:\n  - name: shell\n    image: busybox\n    securityContext: {privileged: true}\n";
const WORKFLOW: &str = "name: ci\non: push\njobs: {}\n";

#[test]
fn the_hook_fails_a_commit_on_the_modules_and_manifests_it_changes() {
    let repo = repository(&[
        ("infra/main.tf", OPEN_SSH_GROUP),
        ("infra/variables.tf", VARIABLES),
        ("k8s/debug.yaml", PRIVILEGED_POD),
        (".github/workflows/ci.yml", WORKFLOW),
        ("README.md", "# app\n"),
    ]);
    let o = run_hook(repo.path(), &[]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("NET-01") && out.contains("K8S-03"), "{out}");
    // The module is judged whole, once, however many of its files changed.
    assert_eq!(out.matches("NET-01 infra").count(), 1, "{out}");
    // Only what the commit touches: the manifest alone.
    let o = run_hook(repo.path(), &["k8s/debug.yaml"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("K8S-03") && !out.contains("NET-01"), "{out}");
}

#[test]
fn the_hook_passes_what_is_below_the_threshold_and_ignores_other_files() {
    let repo = repository(&[
        ("infra/main.tf", OPEN_SSH_GROUP),
        (".rampart.yaml", "ignore: [NET-01]\n"),
        (".github/workflows/ci.yml", WORKFLOW),
        (
            "package.json",
            "{\"name\": \"app\", \"version\": \"1.0.0\"}\n",
        ),
    ]);
    let o = run_hook(repo.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run_hook(repo.path(), &["README.md"]);
    assert!(o.status.success(), "{}", text(&o));
}
