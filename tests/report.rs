//! Auditor outputs: the evidence pack and its verification, trends across packs, CSV, JUnit and
//! Prometheus output, hostile input, and pushing metrics to a Pushgateway.

mod common;

use common::*;
use std::io::{Read, Write};
use std::path::Path;

fn report(args: &[&str], cwd: &Path) -> std::process::Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    rampart(&all, cwd)
}

#[test]
fn evidence_pack_verifies_and_any_changed_byte_fails() {
    let out = tempfile::tempdir().unwrap();
    let pack = out.path().join("pack");
    let o = report(
        &[
            "examples/connectcentral",
            "--waivers",
            "examples/connectcentral/waivers.yaml",
            "--evidence",
            pack.to_str().unwrap(),
            "--format",
            "json",
        ],
        &crate_dir(),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "report exits 0 on findings: {}",
        text(&o)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    let digest = stderr
        .split("manifest sha256 ")
        .nth(1)
        .unwrap()
        .trim_end_matches([')', '\n'])
        .to_string();
    let mut names: Vec<String> = std::fs::read_dir(&pack)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "findings.json",
            "junit.xml",
            "manifest.json",
            "metrics.prom",
            "report.html",
            "results.csv",
            "results.sarif",
            "snapshot.json",
            "summary.md"
        ]
    );
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", pack.to_str().unwrap()];
        args.extend_from_slice(extra);
        rampart(&args, &crate_dir())
    };
    let v = verify(&["--manifest-sha256", &digest]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    assert!(String::from_utf8_lossy(&v.stdout).contains("8 files checked"));

    for name in names.iter().filter(|n| *n != "manifest.json") {
        let path = pack.join(name);
        let original = std::fs::read(&path).unwrap();
        let mut changed = original.clone();
        let mid = changed.len() / 2;
        changed[mid] ^= 0x01;
        std::fs::write(&path, &changed).unwrap();
        let v = verify(&[]);
        assert_eq!(
            v.status.code(),
            Some(1),
            "flipping a bit of {name} went unnoticed: {}",
            text(&v)
        );
        assert!(String::from_utf8_lossy(&v.stdout).contains(&format!("{name} changed")));
        std::fs::write(&path, &original).unwrap();
    }
    // The manifest itself: caught by its recorded digest.
    let m = pack.join("manifest.json");
    let original = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        original.replace("\"format_version\": 1", "\"format_version\": 1 "),
    )
    .unwrap();
    assert_eq!(
        verify(&["--manifest-sha256", &digest]).status.code(),
        Some(1)
    );
    std::fs::write(&m, &original).unwrap();
    // Added and removed files.
    std::fs::write(pack.join("extra.txt"), "x").unwrap();
    assert_eq!(verify(&[]).status.code(), Some(1));
    std::fs::remove_file(pack.join("extra.txt")).unwrap();
    std::fs::remove_file(pack.join("junit.xml")).unwrap();
    let v = verify(&[]);
    assert_eq!(v.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&v.stdout).contains("junit.xml is missing"));
}

#[test]
fn trends_show_new_and_resolved_findings_across_packs() {
    let dir = tree(&[(
        "main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n  tags = { data-classification = \"internal\" }\n}\n",
    )]);
    let first = dir.path().join("pack1");
    let o = report(
        &[
            ".",
            "--select",
            "TLS-01,DATA-01,PUB-02",
            "--evidence",
            "pack1",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Fix TLS-01 on a, add an untagged bucket b (new DATA-01 and TLS-01 failures).
    std::fs::write(
        dir.path().join("main.tf"),
        r#"resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags = { data-classification = "internal" }
}
resource "aws_s3_bucket_policy" "a" {
  bucket = aws_s3_bucket.a.id
  policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "s3:*", Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "false" } } }] })
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
"#,
    )
    .unwrap();
    let o = report(
        &[
            ".",
            "--select",
            "TLS-01,DATA-01,PUB-02",
            "--previous",
            first.to_str().unwrap(),
            "--html",
            "r.html",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(
        html.contains("2 new · 1 resolved · 0 persisting"),
        "{}",
        &html[..html.len().min(4000)]
    );
    assert!(html.contains("Resolved since the previous scan"));
}

fn example_output(flag: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("out");
    let o = rampart(
        &[
            "scan",
            "examples/connectcentral",
            "--waivers",
            "examples/connectcentral/waivers.yaml",
            flag,
            path.to_str().unwrap(),
            "--fail-on",
            "never",
        ],
        &crate_dir(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn csv_junit_and_prometheus_snapshots() {
    let csv = example_output("--csv");
    insta::assert_snapshot!("example_csv", csv);

    let junit = example_output("--junit");
    let doc = roxmltree::Document::parse(&junit).expect("JUnit is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        root.children().filter(|n| n.is_element()).count(),
        builtin_rule_count()
    );
    insta::assert_snapshot!("example_junit", junit);

    let prom = example_output("--prometheus");
    // Time and digests change from run to run and commit to commit.
    let stable: Vec<&str> = prom
        .lines()
        .filter(|l| {
            !l.starts_with("rampart_scan_timestamp_seconds ")
                && !l.starts_with("rampart_scan_info{")
        })
        .collect();
    insta::assert_snapshot!("example_prometheus", stable.join("\n"));
}

#[test]
fn hostile_input_comes_out_escaped() {
    let dir = crate_dir().join("tests/fixtures/hostile");
    let out = tempfile::tempdir().unwrap();
    let o = rampart(
        &[
            "report",
            ".",
            "--html",
            out.path().join("r.html").to_str().unwrap(),
            "--csv",
            out.path().join("r.csv").to_str().unwrap(),
            "--junit",
            out.path().join("r.xml").to_str().unwrap(),
            "--prometheus",
            out.path().join("r.prom").to_str().unwrap(),
            "--markdown",
            out.path().join("r.md").to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let html = std::fs::read_to_string(out.path().join("r.html")).unwrap();
    for raw in [
        "<script>alert",
        "<img src=x",
        "</style><style>",
        "</title><script>",
        "<!-- -->",
    ] {
        assert!(!html.contains(raw), "unescaped {raw:?} in the HTML report");
    }
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the hostile bucket name is shown, escaped"
    );
    assert!(
        html.contains("&lt;script&gt;alert("),
        "the hostile tag is shown, escaped"
    );
    assert_eq!(
        html.matches("<script").count(),
        0,
        "the report carries no scripts"
    );
    assert_eq!(
        html.matches("</style>").count(),
        1,
        "only the report's own stylesheet closes a style element"
    );

    let csv = std::fs::read_to_string(out.path().join("r.csv")).unwrap();
    assert!(
        !csv.lines()
            .any(|l| l.split(',').any(|c| c.starts_with('='))),
        "a CSV cell starts a formula"
    );
    roxmltree::Document::parse(&std::fs::read_to_string(out.path().join("r.xml")).unwrap())
        .expect("JUnit stays well-formed");
    let md = std::fs::read_to_string(out.path().join("r.md")).unwrap();
    assert!(
        md.contains("evil"),
        "the hostile pod is in the summary: {md}"
    );
    // The footer's `<sub>` and bundle digest are rampart's own; nothing from the pod is active.
    let from_input: Vec<String> = common::markdown_active_parts(&md)
        .into_iter()
        .filter(|p| {
            ["evil", "bold", "strong", "\"code\"", "col"]
                .iter()
                .any(|w| p.contains(w))
        })
        .collect();
    assert_eq!(from_input, Vec::<String>::new(), "{md}");
    hostile_names_reach_no_terminal(&dir);
    for line in std::fs::read_to_string(out.path().join("r.prom"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
    {
        assert!(
            line.rsplit_once(' ')
                .is_some_and(|(_, v)| v.parse::<f64>().is_ok()),
            "malformed metric line {line:?}"
        );
    }
}

#[test]
fn metrics_are_pushed_to_a_pushgateway() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 65536];
        loop {
            let n = sock.read(&mut chunk).unwrap_or(0);
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf);
            if let Some(head_end) = text.find("\r\n\r\n") {
                let len: usize = text[..head_end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if buf.len() >= head_end + 4 + len || n == 0 {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
            .unwrap();
        String::from_utf8_lossy(&buf).into_owned()
    });
    let o = rampart(
        &[
            "scan",
            "examples/connectcentral",
            "--fail-on",
            "never",
            "--pushgateway",
            &format!("http://{addr}"),
        ],
        &crate_dir(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let request = server.join().unwrap();
    assert!(
        request.starts_with("PUT /metrics/job/rampart HTTP/1.1"),
        "{request}"
    );
    assert!(
        request.contains("rampart_results{rule=\"IAM-01\",severity=\"critical\",status=\"fail\""),
        "{request}"
    );
}

/// Directory and file names and manifest strings with escape and OSC sequences, and a file named
/// like a GitHub Actions workflow command, printed with colours forced on: the colours are
/// rampart's, nothing from the input controls the terminal or the runner.
fn hostile_names_reach_no_terminal(fixture: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp
        .path()
        .join("dir\u{1b}]8;;https://evil.example\u{7}link\u{1b}]8;;\u{7}\u{1b}[2J");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["main.tf", "pod.yaml"] {
        std::fs::copy(fixture.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("::error title=pwned::x.tf"),
        "resource \"aws_security_group\" \"open\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\nbroken {\n",
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["scan", "."])
        .current_dir(tmp.path())
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let all = text(&o);
    assert!(
        all.contains("evil.example") && all.contains("x.tf"),
        "{all}"
    );
    assert!(all.contains("\u{1b}[1m"), "colours are forced on: {all}");
    for raw in ["\u{1b}]", "\u{7}", "\u{1b}[2J", "\u{1b}[31mred", "\u{9b}"] {
        assert!(!all.contains(raw), "{raw:?} reaches the terminal: {all}");
    }
    for line in all.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "a workflow command: {line:?}"
        );
    }
}

/// Many principals holding one `Resource "*"` policy and many FERPA stores: IAM-10 is one
/// result per store (all principals in its details), and no principal is repeated per store in
/// the auditor report, so outputs grow with principals plus stores, not their product.
#[test]
fn outputs_do_not_grow_with_principals_times_stores() {
    const ROLES: usize = 12;
    const BUCKETS: usize = 15;
    let mut tf = String::new();
    for i in 0..ROLES {
        tf += &format!(
            r#"resource "aws_iam_role" "r{i:02}" {{
  name                = "r{i:02}"
  assume_role_policy  = jsonencode({{ Statement = [{{ Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
}}
"#
        );
    }
    for i in 0..BUCKETS {
        tf += &format!(
            "resource \"aws_s3_bucket\" \"b{i:02}\" {{\n  bucket = \"records-{i:02}\"\n  tags   = {{ \"data-classification\" = \"ferpa\" }}\n}}\n"
        );
    }
    let dir = tree(&[("main.tf", &tf)]);
    let (_, v) = scan_json_in(&[".", "--select", "IAM-10"], dir.path());
    let fails = results(&v, "fail");
    assert_eq!(fails.len(), BUCKETS, "one IAM-10 result per store");
    for f in &fails {
        let principals = f["details"]["principals"].as_array().unwrap();
        assert_eq!(principals.len(), ROLES, "{f}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains(&format!("and {} more", ROLES - 5)),
            "{f}"
        );
    }

    let html = dir.path().join("report.html");
    let o = report(
        &[".", "--select", "IAM-10", "--html", html.to_str().unwrap()],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(html).unwrap();
    // The last role is named in no message (five per store are) and listed once in the wildcard
    // grants, not once per bucket in the access map.
    let mentions = html.matches("aws_iam_role.r11").count();
    assert!(
        (1..=2).contains(&mentions),
        "aws_iam_role.r11 appears {mentions} times in the report"
    );
    assert!(
        html.contains("15: <span class=\"mono\">records-00"),
        "{html}"
    );
}
