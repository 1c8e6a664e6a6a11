//! The `rampart` command line. Library errors are typed; `anyhow` only here at the edge.

use anyhow::{bail, Context, Result};
use clap::Parser;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rampart::config::FailOn;
use rampart::engine::frameworks::{builtin_frameworks, framework, Framework};
use rampart::engine::{policy_test, Engine, Severity};
use rampart::model::Snapshot;
use rampart::report::trends::{self, ScanFailures};
use rampart::report::{
    csv::CsvWriter, evidence, html::HtmlWriter, json::JsonWriter, junit::JunitWriter,
};
use rampart::report::{
    markdown::MarkdownWriter, prometheus, sarif::SarifWriter, terminal::TerminalWriter,
};
use rampart::report::{Report, Writer};
use rampart::scan;
use rampart::source::{self, Sources};

/// Exit status: no failures at or above the threshold.
const EXIT_CLEAN: u8 = 0;
/// Exit status: failures at or above the threshold.
const EXIT_FINDINGS: u8 = 1;
/// Exit status: an error, or input that could not be fully read or assessed.
const EXIT_INCOMPLETE: u8 = 2;

mod cli;

use cli::*;

/// Logs for `-v` (plain lines, fit for CI logs); warnings only otherwise.
fn init_logging(verbose: u8) {
    #[cfg(feature = "aws")]
    {
        use std::io::IsTerminal;
        let level = match verbose {
            0 => "warn",
            1 => "rampart=info",
            _ => "rampart=debug",
        };
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .with_target(false)
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
            )
            .try_init();
    }
    #[cfg(not(feature = "aws"))]
    let _ = verbose;
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
    match &cli.command {
        Command::Scan(a) | Command::Report(a) => init_logging(a.source.verbose),
        Command::Collect(a) => init_logging(a.source.verbose),
        Command::Nightly(_) => init_logging(1),
        _ => init_logging(0),
    }
    run_command(cli.command)
}

fn run_command(command: Command) -> Result<u8> {
    match command {
        Command::Nightly(args) => cmd_nightly(args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Into a buffer first: clap_complete panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "rampart", &mut script);
            std::io::stdout().write_all(&script)?;
            Ok(EXIT_CLEAN)
        }
        Command::Man => {
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut std::io::stdout())?;
            Ok(EXIT_CLEAN)
        }
        Command::Scan(args) => cmd_scan(*args, FailOn::AtOrAbove(Severity::High)),
        Command::Report(args) => cmd_scan(*args, FailOn::Never),
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
            let sources = args.source.sources()?;
            let snapshot = read_sources(&sources)?;
            write_snapshot(&snapshot, args.output.as_deref())?;
            warn_incomplete(&snapshot, args.source.allow_partial);
            Ok(if snapshot.is_incomplete() && !args.source.allow_partial {
                EXIT_INCOMPLETE
            } else {
                EXIT_CLEAN
            })
        }
        Command::Merge { snapshots, output } => {
            let parts = snapshots
                .iter()
                .map(|p| {
                    let text =
                        std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
                    Snapshot::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
                })
                .collect::<Result<Vec<_>>>()?;
            let merged = Snapshot::merge(parts);
            write_snapshot(&merged, output.as_deref())?;
            Ok(if merged.is_incomplete() {
                EXIT_INCOMPLETE
            } else {
                EXIT_CLEAN
            })
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on_new,
        } => {
            let read = |p: &Path| -> Result<serde_json::Value> {
                let text =
                    std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
                serde_json::from_str(&text).with_context(|| format!("{}", p.display()))
            };
            let d = rampart::report::diff::diff(
                &read(&old)?,
                &read(&new)?,
                (&old.display().to_string(), &new.display().to_string()),
            )?;
            let text = match format {
                DiffFormat::Text => d.to_text(),
                DiffFormat::Markdown => d.to_markdown(),
                DiffFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
            };
            print!("{text}");
            Ok(if fail_on_new && !d.new.is_empty() {
                EXIT_FINDINGS
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
            for (tool, ids) in &r.equivalents {
                writeln!(out, "Same concern in {tool}: {}", ids.join(", "))?;
            }
            writeln!(out, "Source: {}", r.source)?;
            Ok(EXIT_CLEAN)
        }
        Command::Policy {
            command: PolicyCommand::Test { dir },
        } => cmd_policy_test(dir),
        Command::Policy {
            command: PolicyCommand::EvalIsolated { dir, rule },
        } => {
            let mut out = std::io::stdout().lock();
            rampart::engine::eval_isolated(&dir, &rule, &mut out).map_err(anyhow::Error::msg)?;
            Ok(EXIT_CLEAN)
        }
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

/// Says on standard error that some input could not be read, and how much.
fn warn_incomplete(snapshot: &Snapshot, allow_partial: bool) {
    if !snapshot.is_incomplete() {
        return;
    }
    let gaps = snapshot
        .coverage
        .iter()
        .filter(|c| c.status == rampart::model::CoverageStatus::Error)
        .count();
    let errors = snapshot
        .diagnostics
        .iter()
        .filter(|d| d.level == rampart::model::DiagnosticLevel::Error)
        .count();
    eprintln!(
        "rampart: incomplete: {gaps} coverage gap(s), {errors} input error(s); rules that needed the data report `error`{}",
        if allow_partial { " (--allow-partial)" } else { "" }
    );
}

/// Writes a snapshot to a file or standard output and prints its SHA-256 (the digest findings
/// and evidence packs record).
/// Reads the sources; a live collection asked to be kept (`--snapshot`) is written first, and its
/// resources then point at their entries in that file.
fn read_sources(sources: &Sources) -> Result<Snapshot> {
    let mut snapshot = source::build_snapshot(sources)?;
    if let Some(out) = sources.aws.as_ref().and_then(|a| a.snapshot_out.as_ref()) {
        let text = snapshot.to_json();
        write_file(out, text.as_bytes())?;
        snapshot.file_digest = Some(rampart::model::sha256_hex(text.as_bytes()));
        let rel = rampart::input::rel_path(&sources.root, out);
        rampart::model::locate_entries(&mut snapshot.resources, &text, &rel);
    }
    Ok(snapshot)
}

fn write_snapshot(snapshot: &Snapshot, output: Option<&Path>) -> Result<()> {
    let json = snapshot.to_json();
    let digest = rampart::model::sha256_hex(json.as_bytes());
    match output {
        Some(p) => write_file(p, json.as_bytes())?,
        None => print!("{json}"),
    }
    eprintln!(
        "rampart: snapshot {} ({} resources, sha256 {digest})",
        output.map_or("written to standard output".into(), |p| format!(
            "in {}",
            p.display()
        )),
        snapshot.resources.len()
    );
    Ok(())
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

/// One shard of the nightly scan (see `Command::Nightly`). Each step is the command a person
/// would run (`collect`, `merge`, `scan`), so the night's files are what they would write. An
/// incomplete shard (exit 2) is kept: its gaps are in its coverage and the merge reports them.
/// Two shards finishing together both merge, which is harmless: the merge is deterministic and
/// each result is moved into place by rename.
fn cmd_nightly(n: NightlyArgs) -> Result<u8> {
    if n.shards == 0 || n.shard_index >= n.shards {
        bail!(
            "shard index {} is not below the {} shards",
            n.shard_index,
            n.shards
        );
    }
    let (k, shards) = (n.shard_index + 1, n.shards);
    let run = n
        .run_id
        .clone()
        .unwrap_or_else(|| rampart::suppress::today().to_string());
    let dir = n.evidence_dir.join(run);
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    let step = |args: Vec<std::ffi::OsString>| -> Result<u8> {
        let status = run_command(Cli::try_parse_from(args)?.command)?;
        if status == EXIT_CLEAN || status == EXIT_INCOMPLETE {
            Ok(status)
        } else {
            bail!("exit {status}")
        }
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    let partial = dir.join(format!(".shard-{k}.json"));
    let mut collect = vec![os("rampart"), os("collect")];
    collect.extend(n.collect.iter().map(|a| os(a)));
    collect.extend([os("--shard"), os(&format!("{k}/{shards}")), os("-o")]);
    collect.push(partial.clone().into());
    step(collect).context("collecting the shard")?;
    std::fs::rename(&partial, dir.join(format!("shard-{k}.json")))?;

    let mut finished: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|f| f.to_str())
                .is_some_and(|f| f.starts_with("shard-") && f.ends_with(".json"))
        })
        .collect();
    finished.sort();
    if finished.len() < shards as usize {
        println!(
            "shard {k}/{shards} done; {} of {shards} finished",
            finished.len()
        );
        return Ok(EXIT_CLEAN);
    }
    println!("shard {k}/{shards} finished last: merging");
    let tmp = dir.join(format!(".merge-{k}"));
    std::fs::create_dir_all(&tmp)?;
    let mut merge = vec![os("rampart"), os("merge")];
    merge.extend(finished.iter().map(|p| p.clone().into_os_string()));
    merge.extend([os("-o"), tmp.join("snapshot.json").into()]);
    step(merge).context("merging the shards")?;
    let scanned = step(vec![
        os("rampart"),
        os("scan"),
        tmp.join("snapshot.json").into(),
        os("--output-dir"),
        tmp.join("report").into(),
        os("--fail-on"),
        os("never"),
        os("--format"),
        os("markdown"),
    ])
    .context("judging the merged snapshot")?;
    std::fs::rename(tmp.join("snapshot.json"), dir.join("snapshot.json"))?;
    let report = dir.join("report");
    if report.exists() {
        std::fs::remove_dir_all(&report)?;
    }
    std::fs::rename(tmp.join("report"), &report)?;
    std::fs::remove_dir_all(&tmp)?;
    println!(
        "merged {shards} shards into {}; findings in {}",
        dir.join("snapshot.json").display(),
        report.display()
    );
    Ok(scanned)
}

/// Fills what the command line left unset from the configuration file.
fn apply_config(args: &mut ScanArgs) -> Result<()> {
    let root = args.source.root()?;
    let Some(c) = rampart::config::find(args.config.as_deref(), &root)? else {
        return Ok(());
    };
    fn fill<T>(flag: &mut Vec<T>, from_file: Vec<T>) {
        if flag.is_empty() {
            *flag = from_file;
        }
    }
    fill(&mut args.source.paths, c.paths);
    fill(&mut args.select, c.select);
    fill(&mut args.ignore, c.ignore);
    fill(&mut args.classification_tags, c.classification_tags);
    fill(&mut args.classification_levels, c.classification_levels);
    fill(&mut args.frameworks, c.frameworks);
    fill(&mut args.policies, c.policies);
    fill(&mut args.trusted_accounts, c.trusted_accounts);
    args.fail_on = args.fail_on.or(c.fail_on);
    args.classification_default = args
        .classification_default
        .take()
        .or(c.classification_default);
    args.namespace_classification_default = args
        .namespace_classification_default
        .take()
        .or(c.namespace_classification_default);
    args.waivers = args.waivers.take().or(c.waivers);
    args.kubernetes_secrets = args.kubernetes_secrets.or(c.kubernetes_secrets);
    Ok(())
}

fn cmd_scan(mut args: ScanArgs, default_fail_on: FailOn) -> Result<u8> {
    apply_config(&mut args)?;
    let mut sources = args.source.sources()?;
    // A live scan written to a directory keeps its snapshot there: findings on resources no
    // `.tf` declares point at their entry in it (SARIF needs a file for every alert).
    let keeps_live_snapshot = match (&mut sources.aws, &args.output_dir) {
        (Some(aws), Some(dir)) if aws.snapshot_out.is_none() => {
            aws.snapshot_out = Some(dir.join("snapshot.json"));
            true
        }
        _ => false,
    };
    let allow_partial = args.source.allow_partial;
    let fail_on = args.fail_on.unwrap_or(default_fail_on).threshold();
    let mut engine = Engine::new(&args.policies)?;
    // Rules from --policies run in processes of their own: one that never ends or crashes the
    // evaluator is an `error` result, not the end of the scan.
    engine.set_sandbox(std::env::current_exe().context("locating rampart's own executable")?);
    engine.set_rule_time_limit(std::time::Duration::from_secs(args.rule_timeout.max(1)));
    let opts = scan::UnvalidatedOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        classification_tags: args.classification_tags.clone(),
        classification_levels: args.classification_levels.clone(),
        classification_default: args.classification_default.clone(),
        namespace_classification_default: args.namespace_classification_default.clone(),
        waivers: args.waivers.clone(),
        root: sources.root.clone(),
        baseline: args.baseline.clone(),
        trusted_accounts: args.trusted_accounts.clone(),
        as_of: args.as_of,
        kubernetes_secrets: args.kubernetes_secrets,
    }
    .validate()?;
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
    let snapshot = read_sources(&sources)?;
    timer.lap("read sources");
    let outcome = scan::evaluate(&engine, snapshot, &opts)?;
    timer.lap("evaluate");
    if let (Some(p), Some(digest)) = (
        sources.aws.as_ref().and_then(|a| a.snapshot_out.as_ref()),
        &outcome.input_digest,
    ) {
        eprintln!(
            "rampart: snapshot in {} ({} resources, sha256 {digest})",
            p.display(),
            outcome.snapshot.resources.len(),
        );
    }
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
        // A live collection is already there, as collected (what the findings point into).
        if !keeps_live_snapshot {
            write_file(
                &dir.join("snapshot.json"),
                outcome.snapshot.to_json().as_bytes(),
            )?;
        }
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
        prometheus::push(url, "rampart", &body)?;
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

    warn_incomplete(&outcome.snapshot, allow_partial);
    Ok(if outcome.is_incomplete() && !allow_partial {
        EXIT_INCOMPLETE
    } else if report.blocking().next().is_some() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
