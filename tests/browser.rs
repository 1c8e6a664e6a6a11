//! The HTML report in headless Chromium: it loads with no console errors and no network
//! requests, hostile input runs no script and fetches nothing, and a PNG is saved to look at.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn check_in_browser(html: &Path, png: &Path) -> Value {
    let chromium = tool(
        "CHROMIUM",
        Path::new("/usr/bin/chromium"),
        "Chromium (Debian package chromium)",
    );
    let node = tool("NODE", Path::new("node"), "Node.js");
    let script = crate_dir().join("tests/tools/check_page.mjs");
    assert!(
        crate_dir()
            .join("tests/tools/node_modules/playwright-core")
            .is_dir(),
        "playwright-core is not installed; run `scripts/test` (npm ci in tests/tools)"
    );
    let o = Command::new(node)
        .arg(&script)
        .arg(html)
        .arg(png)
        .env("CHROMIUM", chromium)
        .current_dir(crate_dir().join("tests/tools"))
        .output()
        .expect("node runs");
    assert!(o.status.success(), "{}", text(&o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)))
}

fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn assert_quiet(found: &Value) {
    for key in ["consoleErrors", "pageErrors", "dialogs", "requests"] {
        assert_eq!(
            found[key].as_array().map(Vec::len),
            Some(0),
            "{key}: {:#}",
            found[key]
        );
    }
}

#[test]
fn example_report_renders_without_errors_or_requests() {
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("report.html");
    let o = rampart(
        &[
            "report",
            "examples/connectcentral",
            "--waivers",
            "examples/connectcentral/waivers.yaml",
            "--html",
            html.to_str().unwrap(),
        ],
        &crate_dir(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let png = screenshots_dir().join("example-report.png");
    let found = check_in_browser(&html, &png);
    assert_quiet(&found);
    let text = found["text"].as_str().unwrap();
    assert!(
        text.contains("Compliance report") && text.contains("Executive summary"),
        "{text}"
    );
    assert!(
        std::fs::metadata(&png).unwrap().len() > 10_000,
        "screenshot at {}",
        png.display()
    );
}

#[test]
fn hostile_report_runs_no_script_and_fetches_nothing() {
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("hostile.html");
    let o = rampart(
        &["report", ".", "--html", html.to_str().unwrap()],
        &crate_dir().join("tests/fixtures/hostile"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Defence in depth: even an escaping mistake could run no script and fetch nothing.
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none';"#),
        "no Content-Security-Policy"
    );
    let found = check_in_browser(&html, &screenshots_dir().join("hostile-report.png"));
    assert_quiet(&found);
    assert!(found["text"]
        .as_str()
        .unwrap()
        .contains("Compliance report"));
}
