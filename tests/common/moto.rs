//! A moto server (the AWS emulator, from PyPI) on a free loopback port, seeded with the scenario
//! in `tests/aws/seed.py`, for the real AWS SDK collectors to read over HTTP.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::crate_dir;

pub struct Server {
    child: Child,
    pub url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Waits until `url` answers an HTTP request.
fn wait_until_up(url: &str, child: &mut Child, what: &str) {
    let addr = url.trim_start_matches("http://").to_string();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(e) = child.stderr.as_mut() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("{what} exited ({status}): {err}\nInstall it with `python3 -m pip install -r tests/requirements.txt` (scripts/test does).");
        }
        if std::net::TcpStream::connect(&addr).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not start within 60 s at {url}");
}

impl Server {
    /// Starts moto with AWS managed policies loaded and no default AMIs, as the live tests need.
    pub fn start() -> Server {
        let port = free_port();
        let mut child = Command::new(python())
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("python3 is required to run the moto server: {e}. Install moto with `python3 -m pip install -r tests/requirements.txt`.")
            });
        let url = format!("http://127.0.0.1:{port}");
        wait_until_up(&url, &mut child, "the moto server");
        // moto logs every request on stderr; drain it so the pipe never fills.
        let err = child.stderr.take().expect("piped");
        std::thread::spawn(move || for _ in BufReader::new(err).lines() {});
        Server { child, url }
    }

    /// Seeds the planted scenario (`tests/aws/seed.py`); returns its JSON summary.
    pub fn seed(&self, extra: &[&str]) -> serde_json::Value {
        let out = Command::new(python())
            .arg(crate_dir().join("tests/aws/seed.py"))
            .args(["--endpoint", &self.url])
            .args(extra)
            .output()
            .expect("seed.py runs");
        assert!(
            out.status.success(),
            "seeding failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed.py prints JSON")
    }

    /// Runs Python against this server (boto3 is installed with moto).
    pub fn python(&self, code: &str) -> String {
        let script = format!(
            "import boto3, json\nE = {:?}\ndef c(s, r='us-east-1'): return boto3.client(s, endpoint_url=E, region_name=r, aws_access_key_id='testing', aws_secret_access_key='testing')\n{code}",
            self.url
        );
        let out = Command::new(python())
            .args(["-c", &script])
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "python failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// The fault proxy (`tests/aws/fault_proxy.py`) in front of an endpoint.
pub struct Proxy {
    child: Child,
    pub url: String,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proxy {
    pub fn start(upstream: &str, faults: &serde_json::Value) -> Proxy {
        let mut child = Command::new(python())
            .arg(crate_dir().join("tests/aws/fault_proxy.py"))
            .args(["--upstream", upstream, "--faults", &faults.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the fault proxy");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the proxy prints its port");
        let port = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("fault proxy did not start: {line:?}"));
        Proxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Requests per operation the proxy has seen.
    pub fn stats(&self) -> serde_json::Value {
        let addr = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr).expect("proxy up");
        use std::io::Write;
        write!(
            s,
            "GET /__stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut body = String::new();
        s.read_to_string(&mut body).unwrap();
        let json = body.split("\r\n\r\n").nth(1).unwrap_or("{}");
        serde_json::from_str(json).expect("stats are JSON")
    }
}

/// Test credentials for an AWS endpoint, and nothing from the machine's own AWS configuration.
pub fn aws_env(endpoint: &str) -> Vec<(&'static str, String)> {
    [
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", "/nonexistent/rampart-test"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/rampart-test"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

/// Runs the real `rampart` against an AWS endpoint with [`aws_env`] (and `extra_env` over it).
pub fn rampart_aws(
    endpoint: &str,
    args: &[&str],
    cwd: &Path,
    extra_env: &[(&str, &str)],
) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .envs(aws_env(endpoint))
        .envs(extra_env.iter().copied())
        .output()
        .expect("rampart runs")
}

/// [`rampart_aws`] that must exit 0.
pub fn rampart_aws_ok(endpoint: &str, args: &[&str], cwd: &Path) -> Output {
    let o = rampart_aws(endpoint, args, cwd, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", super::text(&o));
    o
}
