//! rampart's own automation must be beyond reproach: the action and the workflows pass
//! `zizmor --offline` with no findings.

mod common;

use common::*;
use std::process::Command;

#[test]
fn action_and_workflows_pass_zizmor() {
    let zizmor = tool(
        "ZIZMOR",
        std::path::Path::new("zizmor"),
        "zizmor (PyPI, tests/requirements.txt)",
    );
    let o = Command::new(zizmor)
        .args([
            "--offline",
            "--no-progress",
            "action.yml",
            ".github/workflows/",
        ])
        .current_dir(crate_dir())
        .output()
        .expect("zizmor runs");
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("No findings to report"), "{out}");
}
