//! `.rampart.yaml` at the repository root: found by convention, overridden by flags, refused
//! with its file and line when it says something rampart does not know.

mod common;

use common::*;

#[test]
fn the_file_supplies_what_the_command_line_leaves_out() {
    let repo = tree(&[
        ("infra/main.tf", OPEN_SSH_GROUP),
        (
            ".rampart.yaml",
            "paths: [infra]\nignore: [NET-01]\nfail_on: high\n",
        ),
    ]);
    // No path on the command line: the file's; NET-01 ignored, so nothing at high fails.
    let (code, v) = scan_json_in(&[], repo.path());
    assert_eq!(code, Some(0), "{v:#}");
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["rule_id"] != "NET-01"));
    assert!(v["summary"]["resources"].as_u64().unwrap() >= 1, "{v:#}");
    // A flag overrides the file.
    let (code, v) = scan_json_in(&["--ignore", "LOG"], repo.path());
    assert_eq!(code, Some(1), "NET-01 is back: {v:#}");
    let (code, _) = scan_json_in(&["--select", "NET-01", "--fail-on", "never"], repo.path());
    assert_eq!(code, Some(0));
    // --config names another file.
    let other = tree(&[("strict.yaml", "paths: [infra]\nfail_on: medium\n")]);
    let named = other.path().join("strict.yaml");
    let o = rampart(
        &[
            "scan",
            "--config",
            named.to_str().unwrap(),
            "--root",
            repo.path().to_str().unwrap(),
        ],
        repo.path(),
    );
    // Paths in a named file are relative to it: `infra` beside strict.yaml does not exist.
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("infra"), "{}", text(&o));
}

#[test]
fn unknown_keys_and_values_are_refused_with_their_line() {
    for (content, line, what) in [
        ("paths: [.]\nfial_on: high\n", 2, "unknown field `fial_on`"),
        (
            "paths: [.]\nclassification:\n  default: secret\n",
            3,
            "not one of the levels",
        ),
        ("paths: [.]\nfail_on: severe\n", 2, "not critical, high"),
    ] {
        let repo = tree(&[("main.tf", OPEN_SSH_GROUP), (".rampart.yaml", content)]);
        let o = rampart(&["scan"], repo.path());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let shown = text(&o);
        assert!(
            shown.contains(&format!(".rampart.yaml:{line}:")) && shown.contains(what),
            "{content}: {shown}"
        );
    }
}

#[test]
fn a_file_found_by_convention_stays_inside_the_repository() {
    let outside = tree(&[("elsewhere.yaml", "paths: [.]\nfail_on: never\n")]);
    let repo = tree(&[("main.tf", OPEN_SSH_GROUP)]);
    std::os::unix::fs::symlink(
        outside.path().join("elsewhere.yaml"),
        repo.path().join(".rampart.yaml"),
    )
    .unwrap();
    let o = rampart(&["scan"], repo.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("resolves outside"), "{}", text(&o));
    // Nor may it name a waiver file out of the repository.
    let repo = tree(&[
        ("main.tf", OPEN_SSH_GROUP),
        (
            ".rampart.yaml",
            "paths: [.]\nwaivers: ../../../etc/passwd\n",
        ),
    ]);
    let o = rampart(&["scan"], repo.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(".rampart.yaml:2: waivers:") && !text(&o).contains("root:x:0"),
        "{}",
        text(&o)
    );
}
