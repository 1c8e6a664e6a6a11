//! The `rampart` command line. Library errors are typed; `anyhow` only here at the edge.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rampart::engine::frameworks::{builtin_frameworks, framework, Framework};
use rampart::engine::{policy_test, Engine, Selection, Severity};
use rampart::report::trends::{self, ScanFailures};
use rampart::report::{
    csv::CsvWriter, evidence, html::HtmlWriter, json::JsonWriter, junit::JunitWriter,
};
use rampart::report::{
    markdown::MarkdownWriter, prometheus, sarif::SarifWriter, terminal::TerminalWriter,
};
use rampart::report::{Report, Writer};
use rampart::scan::{self, EvalOptions, Sources};
use rampart::terraform::VarInputs;

/// Exit status: no failures at or above the threshold.
const EXIT_CLEAN: u8 = 0;
/// Exit status: failures at or above the threshold.
const EXIT_FINDINGS: u8 = 1;
/// Exit status: an error, or input that could not be fully read or assessed.
const EXIT_INCOMPLETE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "rampart",
    version,
    about = "Security and compliance scanner for AWS, Kubernetes and Terraform, with FERPA-aligned controls"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan Terraform directories, plan JSON files or saved snapshots and evaluate every rule.
    Scan(Box<ScanArgs>),
    /// Scan as `scan` does and write the auditor report; `--evidence DIR` writes the whole
    /// evidence pack with its manifest. Exits 0 on findings unless --fail-on is given.
    Report(Box<ScanArgs>),
    /// Check an evidence pack against its manifest: any changed, missing or added file fails.
    Verify {
        dir: PathBuf,
        /// The manifest's SHA-256 as recorded when the pack was written.
        #[arg(long, value_name = "HEX")]
        manifest_sha256: Option<String>,
    },
    /// Read sources into a snapshot file without evaluating rules.
    Collect(CollectArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Describe one rule.
    Explain { id: String },
    /// Work with policies.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Run the `test_*` rules of `_test.rego` files (the built-in ones, or those under DIR).
    Test { dir: Option<PathBuf> },
}

#[derive(Args, Clone)]
struct SourceArgs {
    /// Terraform directories (every root module below is scanned, and Kubernetes manifests
    /// below them), plan JSON files (`terraform show -json`), Kubernetes manifests (YAML or
    /// JSON; `-` reads them from standard input), `aws iam get-account-authorization-details`
    /// output, snapshot files, or `k8s` for the live cluster of the kubeconfig.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The Terraform source of a plan, so findings point at `.tf` lines.
    #[arg(long, value_name = "DIR")]
    source: Option<PathBuf>,
    /// Set a root module variable (`name=value`); repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// A `.tfvars` file; repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Paths in the output are relative to this directory (default: the current directory).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// A kubeconfig for `k8s` (default: $KUBECONFIG or ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to read with `k8s`; repeatable (default: the current one).
    #[arg(long = "context", value_name = "NAME")]
    contexts: Vec<String>,
    /// Read every context of the kubeconfig with `k8s`.
    #[arg(long)]
    all_contexts: bool,
}

impl SourceArgs {
    fn sources(&self) -> Result<Sources> {
        let root = match &self.root {
            Some(r) => r.clone(),
            None => std::env::current_dir()?,
        };
        let root = root
            .canonicalize()
            .with_context(|| format!("root {}", root.display()))?;
        let abs = |p: &PathBuf| -> Result<PathBuf> {
            if p.as_os_str() == "-" {
                return Ok(p.clone());
            }
            p.canonicalize()
                .with_context(|| format!("{} does not exist", p.display()))
        };
        // `k8s` (when no such path exists) is the live cluster.
        let live = |p: &PathBuf| p.as_os_str() == "k8s" && !p.exists();
        let kubernetes = (self.paths.iter().any(live)
            || !self.contexts.is_empty()
            || self.all_contexts)
            .then(|| scan::KubeSource {
                kubeconfig: self.kubeconfig.clone(),
                contexts: self.contexts.clone(),
                all_contexts: self.all_contexts,
            });
        Ok(Sources {
            kubernetes,
            paths: self
                .paths
                .iter()
                .filter(|p| !live(p))
                .map(abs)
                .collect::<Result<_>>()?,
            plan_source: self.source.as_ref().map(abs).transpose()?,
            vars: VarInputs {
                var_files: self.var_files.iter().map(abs).collect::<Result<_>>()?,
                vars: self.vars.clone(),
                use_env: true,
            },
            root,
        })
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Terminal,
    Json,
    Sarif,
    Markdown,
}

#[derive(Args)]
struct ScanArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Add the rules (`*.rego`) under this directory; repeatable.
    #[arg(long = "policies", value_name = "DIR")]
    policies: Vec<PathBuf>,
    /// Run only rules whose id is or starts with this; repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip rules whose id is or starts with this; repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Exit 1 on new failures at or above this severity, `never` to exit 0 on findings
    /// (default: high for scan, never for report).
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<String>,
    /// Findings JSON of an earlier run: only failures not in it are new and can fail the run.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Waiver file (default: `.rampart/waivers.yaml` under the root, if present).
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// Tag key that carries the data classification; repeatable.
    #[arg(long = "classification-tag", value_name = "KEY")]
    classification_tags: Vec<String>,
    /// Valid classification values, most sensitive first (default: ferpa,pii,internal,public).
    #[arg(
        long = "classification-levels",
        value_name = "LIST",
        value_delimiter = ','
    )]
    classification_levels: Vec<String>,
    /// What an untagged data store is treated as (default: ferpa).
    #[arg(long = "classification-default", value_name = "LEVEL")]
    classification_default: Option<String>,
    /// An AWS account id of your organization (trust in it is not cross-account); repeatable.
    #[arg(long = "trusted-account", value_name = "ACCOUNT_ID")]
    trusted_accounts: Vec<String>,
    /// Judge as of this date (YYYY-MM-DD) instead of today: waiver expiry and credential ages.
    /// Re-judging a night's evidence snapshot as of that night reproduces its results.
    #[arg(long = "as-of", value_name = "DATE", value_parser = parse_date)]
    as_of: Option<time::Date>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "terminal")]
    format: Format,
    /// Write results.sarif, findings.json, summary.md, report.html and snapshot.json into this
    /// directory.
    #[arg(long, short = 'o', value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Write SARIF to this file.
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
    /// Write findings JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the Markdown summary to this file (e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// SARIF category (automationDetails.id), for several uploads per commit.
    #[arg(long, default_value = "rampart/terraform/")]
    category: String,
    /// Write the HTML auditor report to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write every result as CSV to this file.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write Prometheus metrics to this file (a node-exporter textfile).
    #[arg(long, value_name = "FILE")]
    prometheus: Option<PathBuf>,
    /// Push Prometheus metrics to this Pushgateway (e.g. http://pushgateway:9091).
    #[arg(long, value_name = "URL")]
    pushgateway: Option<String>,
    /// Control frameworks for the report (default: all built-in); repeatable.
    #[arg(long = "framework", value_name = "ID")]
    frameworks: Vec<String>,
    /// An earlier evidence pack, for trends (new, resolved, time to fix); repeatable.
    #[arg(long = "previous", value_name = "DIR")]
    previous: Vec<PathBuf>,
    /// Write the evidence pack (report, findings, SARIF, CSV, JUnit, metrics, snapshot, manifest).
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
    /// Print how long each phase took to standard error.
    #[arg(long)]
    timings: bool,
}

#[derive(Args)]
struct CollectArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Where to write the snapshot (standard output by default).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct RulesArgs {
    /// Add the rules under this directory; repeatable.
    #[arg(long = "policies", value_name = "DIR")]
    policies: Vec<PathBuf>,
    /// Show a framework's controls and which rules automate them (ferpa, cis_aws, cis_eks, nist_800_53).
    #[arg(long, value_name = "ID")]
    framework: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("rampart: error: {e:#}");
            ExitCode::from(EXIT_INCOMPLETE)
        }
    }
}

fn run() -> Result<u8> {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(args) => cmd_scan(*args, "high"),
        Command::Report(args) => cmd_scan(*args, "never"),
        Command::Verify {
            dir,
            manifest_sha256,
        } => {
            let v = evidence::verify(&dir, manifest_sha256.as_deref())?;
            let mut out = anstream::stdout().lock();
            for p in &v.problems {
                writeln!(out, "FAIL {p}")?;
            }
            writeln!(
                out,
                "{} files checked, manifest sha256 {}",
                v.checked, v.manifest_sha256
            )?;
            if v.problems.is_empty() {
                writeln!(out, "evidence pack verified")?;
                Ok(EXIT_CLEAN)
            } else {
                writeln!(
                    out,
                    "evidence pack does NOT verify ({} problem(s))",
                    v.problems.len()
                )?;
                Ok(EXIT_FINDINGS)
            }
        }
        Command::Collect(args) => {
            let snapshot = scan::build_snapshot(&args.source.sources()?)?;
            let json = snapshot.to_json();
            let digest = rampart::model::sha256_hex(json.as_bytes());
            match &args.output {
                Some(p) => {
                    write_file(p, json.as_bytes())?;
                    eprintln!(
                        "rampart: wrote {} ({} resources, sha256 {digest})",
                        p.display(),
                        snapshot.resources.len()
                    );
                }
                None => print!("{json}"),
            }
            Ok(if snapshot.is_incomplete() {
                EXIT_INCOMPLETE
            } else {
                EXIT_CLEAN
            })
        }
        Command::Rules(args) => {
            let engine = Engine::new(&args.policies)?;
            let mut out = anstream::stdout().lock();
            if let Some(id) = &args.framework {
                return print_framework(&framework(id)?, &engine, args.json, &mut out);
            }
            if args.json {
                serde_json::to_writer_pretty(&mut out, engine.rules())?;
                writeln!(out)?;
            } else {
                for r in engine.rules() {
                    writeln!(out, "{:<8} {:<9} {}", r.id, r.severity, r.title)?;
                }
            }
            Ok(EXIT_CLEAN)
        }
        Command::Explain { id } => {
            let engine = Engine::new(&[])?;
            let Some(r) = engine.rule(&id) else {
                bail!("no rule {id:?} (see `rampart rules`)");
            };
            let mut out = anstream::stdout().lock();
            writeln!(out, "{} [{}] {}\n", r.id, r.severity, r.title)?;
            writeln!(out, "{}\n", r.description)?;
            writeln!(out, "Remediation: {}\n", r.remediation)?;
            writeln!(out, "Applies to: {}", r.resource_types.join(", "))?;
            for (fw, ids) in &r.controls {
                writeln!(out, "{fw}: {}", ids.join(", "))?;
            }
            writeln!(out, "Source: {}", r.source)?;
            Ok(EXIT_CLEAN)
        }
        Command::Policy {
            command: PolicyCommand::Test { dir },
        } => cmd_policy_test(dir),
    }
}

fn print_framework(f: &Framework, engine: &Engine, json: bool, out: &mut dyn Write) -> Result<u8> {
    let rows: Vec<serde_json::Value> = f
        .controls
        .iter()
        .map(|c| {
            let (implemented, automation) = c.implemented(engine.rules());
            let ids: Vec<&str> = implemented.iter().map(|r| r.id.as_str()).collect();
            let planned: Vec<&str> = c.rules.iter().map(String::as_str).filter(|r| !ids.contains(r)).collect();
            serde_json::json!({"id": c.id, "title": c.title, "automation": automation.as_str(), "rules": ids, "planned": planned})
        })
        .collect();
    if json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)?;
        return Ok(EXIT_CLEAN);
    }
    writeln!(out, "{} ({})\n", f.title, f.version)?;
    for r in &rows {
        let list = |k: &str| {
            r[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        writeln!(
            out,
            "{:<22} {:<9} {}",
            r["id"].as_str().unwrap_or(""),
            r["automation"].as_str().unwrap_or(""),
            r["title"].as_str().unwrap_or("")
        )?;
        if !list("rules").is_empty() {
            writeln!(out, "{:<32} rules: {}", "", list("rules"))?;
        }
        if !list("planned").is_empty() {
            writeln!(out, "{:<32} planned: {}", "", list("planned"))?;
        }
    }
    let count = |a: &str| rows.iter().filter(|r| r["automation"] == a).count();
    writeln!(
        out,
        "\n{} controls: {} automated, {} partly automated, {} manual",
        rows.len(),
        count("automated"),
        count("partial"),
        count("manual")
    )?;
    Ok(EXIT_CLEAN)
}

fn cmd_policy_test(dir: Option<PathBuf>) -> Result<u8> {
    let builtin = rampart::engine::builtin_files();
    let outcomes = match &dir {
        Some(d) => {
            let files = rampart::engine::read_policy_dir(d)?;
            // The user's tests may use the built-in library.
            let lib: Vec<_> = builtin
                .into_iter()
                .filter(|f| f.path.starts_with("policies/lib/"))
                .collect();
            policy_test::run(&files, &lib)?
        }
        None => policy_test::run(&builtin, &[])?,
    };
    let mut out = anstream::stdout().lock();
    let mut failed = 0;
    for o in &outcomes {
        if o.passed {
            writeln!(out, "PASS {} {}", o.file, o.name)?;
        } else {
            failed += 1;
            writeln!(
                out,
                "FAIL {} {}: {}",
                o.file,
                o.name,
                o.detail.as_deref().unwrap_or("")
            )?;
        }
    }
    writeln!(out, "{} passed, {} failed", outcomes.len() - failed, failed)?;
    if outcomes.is_empty() {
        bail!("no tests found");
    }
    Ok(if failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Phase timings for `--timings`, printed to standard error.
struct Timer {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timer {
    fn new(on: bool) -> Self {
        Timer {
            on,
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    fn lap(&self, what: &str) {
        let now = std::time::Instant::now();
        if self.on {
            eprintln!(
                "rampart: {what}: {:.3} s",
                (now - self.last.get()).as_secs_f64()
            );
        }
        self.last.set(now);
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn render(w: &dyn Writer, report: &Report) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    w.write(report, &mut buf)?;
    Ok(buf)
}

fn cmd_scan(args: ScanArgs, default_fail_on: &str) -> Result<u8> {
    let sources = args.source.sources()?;
    let fail_on = match args
        .fail_on
        .as_deref()
        .unwrap_or(default_fail_on)
        .to_ascii_lowercase()
        .as_str()
    {
        "never" | "none" => None,
        s => Some(Severity::parse(s).with_context(|| {
            format!("--fail-on {s:?}: expected critical, high, medium, low, info or never")
        })?),
    };
    let engine = Engine::new(&args.policies)?;
    let waiver_file = args.waivers.clone().or_else(|| {
        let default = sources.root.join(".rampart/waivers.yaml");
        default.is_file().then_some(default)
    });
    let mut classification = rampart::analyze::classification::ClassificationConfig::default();
    if !args.classification_tags.is_empty() {
        classification.tag_keys = args.classification_tags.clone();
    }
    if !args.classification_levels.is_empty() {
        classification.levels = args
            .classification_levels
            .iter()
            .map(|l| l.trim().to_ascii_lowercase())
            .collect();
    }
    if let Some(d) = &args.classification_default {
        classification.default_level = d.trim().to_ascii_lowercase();
    }
    if !classification
        .levels
        .contains(&classification.default_level)
    {
        bail!(
            "--classification-default {:?} is not one of the levels ({})",
            classification.default_level,
            classification.levels.join(", ")
        );
    }
    let opts = EvalOptions {
        selection: Selection {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
        },
        classification,
        waivers: match &waiver_file {
            Some(f) => rampart::suppress::load_waivers(f)?,
            None => Vec::new(),
        },
        baseline: args
            .baseline
            .as_deref()
            .map(scan::load_baseline)
            .transpose()?,
        trusted_accounts: args.trusted_accounts.clone(),
        as_of: args.as_of,
    };
    if let Some(bad) = opts
        .trusted_accounts
        .iter()
        .find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
    {
        bail!("--trusted-account {bad:?} is not a 12-digit AWS account id");
    }
    let frameworks = if args.frameworks.is_empty() {
        builtin_frameworks()?
    } else {
        args.frameworks
            .iter()
            .map(|f| framework(f))
            .collect::<Result<_, _>>()?
    };
    let previous: Vec<ScanFailures> = args
        .previous
        .iter()
        .map(|d| ScanFailures::load_pack(d))
        .collect::<Result<_, _>>()?;
    let timer = Timer::new(args.timings);
    let snapshot = scan::build_snapshot(&sources)?;
    timer.lap("read sources");
    let outcome = scan::evaluate(&engine, snapshot, &opts)?;
    timer.lap("evaluate");
    let trends = (!previous.is_empty()).then(|| {
        trends::compute(
            previous,
            ScanFailures::from_results(outcome.scanned_at, &outcome.results),
        )
    });
    let report = Report {
        outcome: &outcome,
        rules: engine
            .rules()
            .iter()
            .filter(|r| opts.selection.matches(&r.id))
            .collect(),
        category: args.category.clone(),
        root: sources.root.clone(),
        fail_on,
        frameworks,
        trends,
    };

    let mut files: Vec<(PathBuf, &dyn Writer)> = Vec::new();
    if let Some(dir) = &args.output_dir {
        files.push((dir.join("results.sarif"), &SarifWriter));
        files.push((dir.join("findings.json"), &JsonWriter));
        files.push((dir.join("summary.md"), &MarkdownWriter));
        files.push((dir.join("report.html"), &HtmlWriter));
        write_file(
            &dir.join("snapshot.json"),
            outcome.snapshot.to_json().as_bytes(),
        )?;
    }
    let single: [(&Option<PathBuf>, &dyn Writer); 7] = [
        (&args.sarif, &SarifWriter),
        (&args.json, &JsonWriter),
        (&args.markdown, &MarkdownWriter),
        (&args.html, &HtmlWriter),
        (&args.junit, &JunitWriter),
        (&args.csv, &CsvWriter),
        (&args.prometheus, &prometheus::PrometheusWriter),
    ];
    for (path, w) in single {
        if let Some(p) = path {
            files.push((p.clone(), w));
        }
    }
    for (path, w) in &files {
        write_file(path, &render(*w, &report)?)?;
        timer.lap(&format!("write {}", path.display()));
    }
    if let Some(dir) = &args.evidence {
        let digest = evidence::write_pack(dir, &report)?;
        eprintln!(
            "rampart: evidence pack in {} (manifest sha256 {digest})",
            dir.display()
        );
    }
    if let Some(url) = &args.pushgateway {
        let body = render(&prometheus::PrometheusWriter, &report)?;
        prometheus::push(url, "rampart", &body).map_err(anyhow::Error::msg)?;
    }
    let stdout_writer: &dyn Writer = match args.format {
        Format::Terminal => &TerminalWriter,
        Format::Json => &JsonWriter,
        Format::Sarif => &SarifWriter,
        Format::Markdown => &MarkdownWriter,
    };
    let mut out = anstream::stdout().lock();
    stdout_writer.write(&report, &mut out)?;
    out.flush()?;

    Ok(if outcome.is_incomplete() {
        EXIT_INCOMPLETE
    } else if report.blocking().next().is_some() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn parse_date(s: &str) -> Result<time::Date, String> {
    rampart::model::parse_date(s).map_err(|e| format!("{s:?} is not a YYYY-MM-DD date: {e}"))
}
