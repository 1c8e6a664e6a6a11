//! The pull-request action installs the released binary of its own version
//! (`scripts/install-release`): tested against a release layout served on the loopback address,
//! with a good checksum, a bad one, and a missing asset.

mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// The asset name the script looks for on this machine.
fn asset() -> String {
    let triple = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        other => panic!("no release binary for {other:?}"),
    };
    format!("rampart-iac-v{}-{triple}.tar.gz", env!("CARGO_PKG_VERSION"))
}

/// A release directory holding this build's binary as the asset, and SHA256SUMS (with `sum`
/// instead of the real checksum when given).
fn release(with_asset: bool, sum: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let staging = tempfile::tempdir().unwrap();
    std::fs::copy(
        env!("CARGO_BIN_EXE_rampart"),
        staging.path().join("rampart"),
    )
    .unwrap();
    let tarball = dir.path().join(asset());
    let o = Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .arg("-C")
        .arg(staging.path())
        .arg("rampart")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let real = format!("{:x}", Sha256::digest(std::fs::read(&tarball).unwrap()));
    let sums = format!("{}  {}\n", sum.unwrap_or(&real), asset());
    std::fs::write(dir.path().join("SHA256SUMS"), sums).unwrap();
    if !with_asset {
        std::fs::remove_file(&tarball).unwrap();
    }
    dir
}

/// A static file server on a loopback port (Python's, as the test command installs Python).
struct Served {
    child: Child,
    url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path) -> Served {
    let mut child = Command::new("python3")
        .args([
            "-u",
            "-m",
            "http.server",
            "0",
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs (scripts/test installs it)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
    let port = line
        .split_whitespace()
        .skip_while(|w| *w != "port")
        .nth(1)
        .unwrap_or_else(|| panic!("no port in {line:?}"))
        .to_string();
    Served {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// Runs the install script with the release at `url`; returns its output, what it wrote to
/// GITHUB_OUTPUT, and the directory it installs into.
fn install(url: &str) -> (Output, String, tempfile::TempDir) {
    let dest = tempfile::tempdir().unwrap();
    let outputs = dest.path().join("github-output");
    let o = Command::new(crate_dir().join("scripts/install-release"))
        .arg(dest.path())
        .env("RAMPART_RELEASE_URL", url)
        .env("GITHUB_OUTPUT", &outputs)
        .env_remove("GH_TOKEN")
        .output()
        .unwrap();
    let written = std::fs::read_to_string(&outputs).unwrap_or_default();
    (o, written, dest)
}

#[test]
fn a_verified_release_is_installed_and_runs() {
    let dir = release(true, None);
    let server = serve(dir.path());
    let (o, written, dest) = install(&server.url);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(written, "installed=true\n");
    assert!(text(&o).contains("checksum verified"), "{}", text(&o));
    let installed = Command::new(dest.path().join("bin/rampart"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&installed.stdout).trim(),
        format!("rampart {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_binary_that_does_not_match_its_checksum_is_refused_without_falling_back() {
    let dir = release(true, Some(&"0".repeat(64)));
    let server = serve(dir.path());
    let (o, written, dest) = install(&server.url);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("does not match its checksum"),
        "{}",
        text(&o)
    );
    assert_eq!(written, "installed=false\n");
    assert!(!dest.path().join("bin/rampart").exists());
}

#[test]
fn a_release_without_this_platform_falls_back_to_building() {
    let dir = release(false, None);
    let server = serve(dir.path());
    let (o, written, dest) = install(&server.url);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("building from source"), "{}", text(&o));
    assert_eq!(written, "installed=false\n");
    assert!(!dest.path().join("bin/rampart").exists());
}

#[test]
fn plain_http_is_refused_off_the_loopback_address() {
    let (o, written, _) = install("http://203.0.113.7/releases/v1");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("plain http"), "{}", text(&o));
    assert_eq!(written, "installed=false\n");
}
