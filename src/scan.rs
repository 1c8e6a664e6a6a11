//! The scan pipeline: sources → snapshot → classification → rules → suppressions → baseline.
//! Knows nothing about output formats.

use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::analyze::classification::{classify, ClassificationConfig};
use crate::collect::aws::{self, AwsExport};
use crate::engine::{BaselineState, Engine, EngineError, RuleResult, Selection};
use crate::model::{
    CoverageEntry, CoverageStatus, Diagnostic, DiagnosticLevel, Resource, Snapshot, Span,
};
use crate::suppress::{self, Waiver, WaiverFile};
use crate::terraform::{self, config, config::rel_path, VarInputs};

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{0}")]
    Input(String),
}

/// What to scan.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// Directories of Terraform (each root module found below is evaluated), or saved
    /// snapshot / plan JSON files.
    pub paths: Vec<PathBuf>,
    /// With a plan: the Terraform source that produced it, for line spans.
    pub plan_source: Option<PathBuf>,
    pub vars: VarInputs,
    /// Paths in reports are relative to this (the repository root).
    pub root: PathBuf,
    /// The live cluster(s) through the kubeconfig, when asked for.
    pub kubernetes: Option<KubeSource>,
    /// The live AWS account(s), when asked for.
    pub aws: Option<AwsSource>,
    /// The AWS account of Terraform root modules whose path (relative to `root`) matches a glob,
    /// as the user gives it: roots in one account are analysed together.
    pub root_accounts: Vec<RootAccount>,
}

/// `--root-account GLOB=ACCOUNT_ID`.
#[derive(Debug, Clone)]
pub struct RootAccount {
    pub roots: globset::GlobMatcher,
    pub account: String,
}

impl std::str::FromStr for RootAccount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (glob, account) = s
            .rsplit_once('=')
            .ok_or_else(|| format!("{s:?} is not ROOT_GLOB=ACCOUNT_ID"))?;
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{account:?} is not a 12-digit AWS account id"));
        }
        let roots = globset::Glob::new(glob.trim_end_matches('/'))
            .map_err(|e| format!("{glob:?}: {e}"))?
            .compile_matcher();
        Ok(RootAccount {
            roots,
            account: account.to_string(),
        })
    }
}

/// Which AWS accounts and regions to read live, and where to keep the snapshot.
#[derive(Debug, Clone)]
pub struct AwsSource {
    #[cfg(feature = "aws")]
    pub options: crate::collect::aws::live::Options,
    /// Write the collected snapshot here first; findings without a `.tf` declaration then point
    /// at their resource's entry in it (the evidence the nightly scan keeps).
    pub snapshot_out: Option<PathBuf>,
}

/// Which clusters to read live.
#[derive(Debug, Default, Clone)]
pub struct KubeSource {
    pub kubeconfig: Option<PathBuf>,
    pub contexts: Vec<String>,
    pub all_contexts: bool,
}

#[cfg(feature = "kubernetes")]
fn collect_kubernetes(k: &KubeSource, snapshot: &mut Snapshot) -> Result<(), ScanError> {
    let opts = crate::collect::kubernetes::Options {
        kubeconfig: k.kubeconfig.clone(),
        contexts: k.contexts.clone(),
        all_contexts: k.all_contexts,
    };
    let c = crate::collect::kubernetes::collect(&opts).map_err(ScanError::Input)?;
    snapshot.resources.extend(c.resources);
    snapshot.coverage.extend(c.coverage);
    Ok(())
}

#[cfg(feature = "aws")]
fn collect_aws(a: &AwsSource, snapshot: &mut Snapshot) -> Result<(), ScanError> {
    let c = crate::collect::aws::live::collect(&a.options)
        .map_err(|e| ScanError::Input(e.to_string()))?;
    snapshot.sources.extend(c.sources);
    snapshot.resources.extend(c.resources);
    snapshot.coverage.extend(c.coverage);
    Ok(())
}

#[cfg(not(feature = "aws"))]
fn collect_aws(_: &AwsSource, _: &mut Snapshot) -> Result<(), ScanError> {
    Err(ScanError::Input(
        "this rampart was built without the `aws` feature".into(),
    ))
}

#[cfg(not(feature = "kubernetes"))]
fn collect_kubernetes(_: &KubeSource, _: &mut Snapshot) -> Result<(), ScanError> {
    Err(ScanError::Input(
        "this rampart was built without the `kubernetes` feature".into(),
    ))
}

/// Directories never descended into.
fn skip_dir(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

/// What a directory holds, found in one walk.
#[derive(Debug, Default)]
pub struct Found {
    /// Terraform root modules: directories with `.tf` files that no other directory calls as a
    /// local module.
    pub roots: Vec<PathBuf>,
    /// Kubernetes manifests: `.yaml`/`.yml` files, and `.json` files that open like Kubernetes
    /// objects.
    pub manifests: Vec<PathBuf>,
    /// Helm charts (directories with `Chart.yaml`), whose YAML files are templates.
    pub charts: Vec<PathBuf>,
}

/// Walks a directory once for everything rampart reads in it; what cannot be read is an input
/// error in `diags`.
pub fn walk_directory(dir: &Path, diags: &mut Vec<Diagnostic>) -> Found {
    let mut tf_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut called: HashSet<PathBuf> = HashSet::new();
    let mut manifests = Vec::new();
    let mut charts = Vec::new();
    // `source = "./x"` in HCL, `"source": "./x"` in JSON syntax.
    let source_re =
        regex::Regex::new(r#"(?m)^\s*"?source"?\s*[=:]\s*"(\.\.?/[^"]*)""#).expect("valid regex");
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir() && skip_dir(&e.file_name().to_string_lossy()))
        });
    let mut walker = walker.into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                // What cannot be read is not known to be fine: the run is incomplete.
                let at = e.path().map(|p| config::rel_path(dir, p));
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), std::io::Error::to_string);
                diags.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    message: match at {
                        Some(p) => format!("{p}: not scanned: {why}"),
                        None => format!("not scanned: {why}"),
                    },
                    span: None,
                    column: None,
                });
                continue;
            }
        };
        // A chart's files are templates, not manifests: the chart is rendered as a whole.
        if entry.file_type().is_dir() && entry.path().join("Chart.yaml").is_file() {
            charts.push(entry.into_path());
            walker.skip_current_dir();
            continue;
        }
        // A link to a file counts as the file (Terraform reads a module of linked `.tf` files);
        // links to directories are not followed.
        let is_file = entry.file_type().is_file()
            || (entry.file_type().is_symlink() && entry.path().is_file());
        if !is_file {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.ends_with(".yaml")
            || name.ends_with(".yml")
            || (name.ends_with(".json")
                && !name.ends_with(".tf.json")
                && opens_like_kubernetes_json(entry.path()))
        {
            manifests.push(entry.into_path());
            continue;
        }
        if !(name.ends_with(".tf") || name.ends_with(".tf.json")) {
            continue;
        }
        let parent = entry.path().parent().unwrap_or(dir).to_path_buf();
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            let own = parent.canonicalize().ok();
            for c in source_re.captures_iter(&text) {
                // A module calling its own directory is a cycle the evaluator reports, not a
                // reason to skip the directory.
                match parent.join(&c[1]).canonicalize() {
                    Ok(p) if Some(&p) != own.as_ref() => {
                        called.insert(p);
                    }
                    _ => {}
                }
            }
        }
        tf_dirs.insert(parent);
    }
    let roots = tf_dirs
        .into_iter()
        .filter(|d| {
            d.canonicalize()
                .map(|c| !called.contains(&c))
                .unwrap_or(true)
        })
        .collect();
    Found {
        roots,
        manifests,
        charts,
    }
}

/// Whether JSON text opens like a Kubernetes object (or list of them).
fn looks_like_kubernetes_json(head: &str) -> bool {
    head.contains("\"apiVersion\"") && head.contains("\"kind\"")
}

/// The same test on a file's first 2 KiB, without reading the rest (a directory may hold large
/// JSON files that are not manifests).
fn opens_like_kubernetes_json(path: &Path) -> bool {
    let mut head = Vec::with_capacity(2048);
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 2048), &mut head))
        .is_ok_and(|_| looks_like_kubernetes_json(&String::from_utf8_lossy(&head)))
}

/// Reads a manifest stream into resources. A document that does not parse and holds Go
/// template syntax is an unrendered Helm template: not scanned, and said so as a coverage gap
/// for every Kubernetes rule (the run is incomplete). Other documents that do not parse are
/// input errors, in files that look like Kubernetes manifests at all.
pub fn read_manifests(text: &str, rel: &str, snapshot: &mut Snapshot, diags: &mut Vec<Diagnostic>) {
    let looks_like_k8s = text.contains("apiVersion") && text.contains("kind");
    let (objects, unread) = crate::kubernetes::manifest::parse(text, rel);
    for u in unread {
        if u.template {
            let span = u.problem.span.clone();
            let at = span
                .as_ref()
                .map_or(rel.to_string(), |s| format!("{rel}:{}", s.start_line));
            snapshot.coverage.push(CoverageEntry {
                status: CoverageStatus::Error,
                scope: at,
                detail: "a Helm template document, not rendered: not scanned (scan the chart directory with helm installed, or pipe `helm template … | rampart scan -`)".into(),
                resource_types: crate::kubernetes::adapter::all_types(),
                span,
            });
        } else if looks_like_k8s {
            diags.push(u.problem);
        }
    }
    for o in objects {
        snapshot.resources.push(crate::kubernetes::adapter::adapt(
            &o.value,
            "manifest",
            Some(rel),
            Some(o.span),
            None,
        ));
    }
}

/// A Helm chart (a directory with `Chart.yaml`): rendered with `helm template` when helm is
/// installed, its objects placed in the template files they come from; otherwise not scanned,
/// and said so (every Kubernetes rule reports `error` for it).
fn read_chart(dir: &Path, root: &Path, snapshot: &mut Snapshot, diags: &mut Vec<Diagnostic>) {
    let rel = rel_path(root, dir);
    let gap = |detail: String| CoverageEntry {
        status: CoverageStatus::Error,
        scope: rel.clone(),
        detail,
        resource_types: crate::kubernetes::adapter::all_types(),
        span: None,
    };
    let rendered = std::process::Command::new("helm")
        .arg("template")
        .arg("rampart-scan")
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .output();
    let out = match rendered {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            snapshot.coverage.push(gap(
                "a Helm chart, not rendered because helm is not installed: not scanned (install helm, or pipe `helm template … | rampart scan -`)".into(),
            ));
            return;
        }
        Err(e) => {
            snapshot
                .coverage
                .push(gap(format!("a Helm chart; helm could not run: {e}")));
            return;
        }
        Ok(o) if !o.status.success() => {
            let why = String::from_utf8_lossy(&o.stderr);
            snapshot.coverage.push(gap(format!(
                "a Helm chart that `helm template` could not render: {}",
                crate::model::excerpt(why.trim())
            )));
            return;
        }
        Ok(o) => o,
    };
    let text = String::from_utf8_lossy(&out.stdout);
    // `# Source: <chart>/templates/x.yaml` opens each rendered document: its objects are placed
    // in that template file.
    let mut source = rel.clone();
    let mut doc = String::new();
    let flush =
        |source: &str, doc: &mut String, snapshot: &mut Snapshot, diags: &mut Vec<Diagnostic>| {
            if !doc.trim().is_empty() {
                read_manifests(doc, source, snapshot, diags);
            }
            doc.clear();
        };
    for line in text.lines() {
        if let Some(src) = line.strip_prefix("# Source: ") {
            flush(&source, &mut doc, snapshot, diags);
            let within = src.trim().split_once('/').map_or(src.trim(), |(_, p)| p);
            source = format!("{rel}/{within}");
            continue;
        }
        doc.push_str(line);
        doc.push('\n');
    }
    flush(&source, &mut doc, snapshot, diags);
}

/// Reads every source into one snapshot.
pub fn build_snapshot(sources: &Sources) -> Result<Snapshot, ScanError> {
    let root = &sources.root;
    let mut snapshot = Snapshot::new(sources.paths.iter().map(|p| rel_path(root, p)).collect());
    let mut diags = Vec::new();
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    let mut manifests = Vec::new();
    let mut charts = Vec::new();
    for p in &sources.paths {
        if p.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                .map_err(|e| ScanError::Input(format!("standard input: {e}")))?;
            match config::decode_text(bytes) {
                Ok(text) => read_manifests(&text, "<stdin>", &mut snapshot, &mut diags),
                Err(why) => diags.push(Diagnostic::at_line(
                    DiagnosticLevel::Error,
                    "<stdin>",
                    1,
                    format!("standard input {why}; not scanned"),
                )),
            }
        } else if p.is_dir() {
            let found = walk_directory(p, &mut diags);
            dirs.extend(found.roots);
            manifests.extend(found.manifests);
            charts.extend(found.charts);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            manifests.push(p.clone());
        } else if p.extension().is_some_and(|e| e == "tf")
            || p.to_string_lossy().ends_with(".tf.json")
        {
            // Terraform's unit is the module directory: one file's blocks refer to variables,
            // locals and resources of its siblings, so a file stands for the module it is in.
            let module = p.parent().unwrap_or(root).to_path_buf();
            if !dirs.contains(&module) {
                dirs.push(module);
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(ScanError::Input(format!("{} does not exist", p.display())));
        }
    }
    let evaluations: Vec<_> = dirs
        .par_iter()
        .map(|d| {
            let ev = terraform::load_directory(d, root, &sources.vars);
            let mut resources = terraform::adapter::adapt(&ev.instances, "terraform");
            let rel = rel_path(root, d);
            let account = sources
                .root_accounts
                .iter()
                .find(|a| a.roots.is_match(&rel))
                .map(|a| a.account.clone())
                .or(ev.account);
            for r in &mut resources {
                r.account = r.account.take().or_else(|| account.clone());
            }
            (ev.diagnostics, ev.coverage, resources)
        })
        .collect();
    for (d, c, r) in evaluations {
        diags.extend(d);
        snapshot.coverage.extend(c);
        snapshot.resources.extend(r);
    }
    // Service-last-accessed reports annotate principals read from other files, so they are
    // applied once everything is loaded.
    let mut service_reports = Vec::new();
    for f in files {
        let rel = rel_path(root, &f);
        let text = match config::read_text_limited(&f, &rel, config::MAX_DOCUMENT_BYTES) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let head: String = text.chars().take(4096).collect();
        let k8s = !is_snapshot(&text) && looks_like_kubernetes_json(&head);
        if let Some(export) = AwsExport::recognise(&text) {
            match export {
                AwsExport::AuthorizationDetails(doc) => snapshot
                    .resources
                    .extend(aws::authorization_details::import(&doc)),
                AwsExport::ServiceLastAccessed(doc) => service_reports.push((rel, doc)),
                AwsExport::Organization(doc) => {
                    let (resources, d) = aws::organizations::import(&doc, &rel);
                    snapshot.resources.extend(resources);
                    diags.extend(d);
                }
                AwsExport::EksIdentities(doc) => {
                    snapshot.resources.extend(aws::eks_identities::import(&doc))
                }
            }
        } else if aws::credential_report::is_credential_report(&text) {
            let (resources, d) = aws::credential_report::import(&text, &rel);
            snapshot.resources.extend(resources);
            diags.extend(d);
        } else if k8s {
            read_manifests(&text, &rel, &mut snapshot, &mut diags);
        } else if is_snapshot(&text) || (!k8s && snapshot_document(&text)) {
            let s = match Snapshot::from_json(&text) {
                Ok(s) => s,
                Err(e) => {
                    diags.push(Diagnostic::at_line(DiagnosticLevel::Error, &rel, 1, e));
                    continue;
                }
            };
            // A snapshot stands for what it was collected from, so that evaluating the file
            // alone evaluates exactly the snapshot it holds (same digest).
            snapshot.sources.retain(|x| *x != rel);
            snapshot.sources.extend(s.sources);
            if sources.paths.len() == 1 && sources.aws.is_none() && sources.kubernetes.is_none() {
                snapshot.file_digest = Some(crate::model::sha256_hex(text.as_bytes()));
            }
            let mut resources = s.resources;
            locate_in_snapshot(&mut resources, &text, &rel);
            snapshot.resources.extend(resources);
            snapshot.coverage.extend(s.coverage);
            diags.extend(s.diagnostics);
        } else {
            let source_instances = sources
                .plan_source
                .as_ref()
                .map(|d| terraform::load_directory(d, root, &sources.vars));
            let mut plan = terraform::plan::load_plan(
                &f,
                &rel,
                source_instances.as_ref().map(|e| e.instances.as_slice()),
            );
            diags.extend(plan.diagnostics);
            // A plan is one root module: with its source, the resources are those of that
            // root (the same identities a scan of the source gives); alone, of the plan file.
            let root = sources
                .plan_source
                .as_ref()
                .map_or_else(|| rel.clone(), |d| rel_path(root, d));
            for i in &mut plan.instances {
                i.root = root.clone();
            }
            snapshot
                .resources
                .extend(terraform::adapter::adapt(&plan.instances, "terraform-plan"));
        }
    }
    if let Some(k) = &sources.kubernetes {
        collect_kubernetes(k, &mut snapshot)?;
    }
    if let Some(a) = &sources.aws {
        collect_aws(a, &mut snapshot)?;
    }
    for f in manifests {
        let rel = rel_path(root, &f);
        match config::read_text(&f, &rel) {
            Ok(text) => read_manifests(&text, &rel, &mut snapshot, &mut diags),
            Err(d) => diags.push(d),
        }
    }
    for c in charts {
        read_chart(&c, root, &mut snapshot, &mut diags);
    }
    let implied = crate::kubernetes::adapter::implied_namespaces(&snapshot.resources);
    snapshot.resources.extend(implied);
    diags.extend(crate::kubernetes::adapter::aws_auth_problems(
        &snapshot.resources,
    ));
    for (rel, doc) in service_reports {
        diags.extend(aws::service_last_accessed::apply(
            &doc,
            &rel,
            &mut snapshot.resources,
        ));
    }
    snapshot.diagnostics = diags;
    snapshot.normalize();
    if let Some(dir) = &sources.plan_source {
        if snapshot.resources.iter().any(|r| r.origin.source == "aws") {
            let ev = terraform::load_directory(dir, root, &sources.vars);
            let declared = terraform::adapter::adapt(&ev.instances, "terraform");
            attach_declarations(&mut snapshot.resources, &declared);
        }
    }
    if let Some(out) = sources.aws.as_ref().and_then(|a| a.snapshot_out.as_ref()) {
        let text = snapshot.to_json();
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| ScanError::Input(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(out, &text)
            .map_err(|e| ScanError::Input(format!("{}: {e}", out.display())))?;
        snapshot.file_digest = Some(crate::model::sha256_hex(text.as_bytes()));
        locate_in_snapshot(&mut snapshot.resources, &text, &rel_path(root, out));
    } else if sources.aws.is_some() {
        // A live collection is recorded by the digest it has as a snapshot file (what
        // `collect aws` prints), so a later scan of that file names the same one.
        snapshot.file_digest = Some(crate::model::sha256_hex(snapshot.to_json().as_bytes()));
    }
    Ok(snapshot)
}

/// Records each resource's entry (`"uid": …` line) in the snapshot
/// file they were read from, so SARIF has a place for them without the Terraform source.
fn locate_in_snapshot(resources: &mut [Resource], text: &str, rel: &str) {
    let index: HashMap<String, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.uid.clone(), i))
        .collect();
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("\"uid\": ") else {
            continue;
        };
        let Ok(uid) = serde_json::from_str::<String>(rest.trim_end_matches(',')) else {
            continue;
        };
        if let Some(r) = index.get(&uid).map(|&i| &mut resources[i]) {
            // A resource's own `uid` is its first field, so the first line found is its entry.
            r.origin.entry.get_or_insert_with(|| Span {
                file: rel.to_string(),
                start_line: n as u32 + 1,
                end_line: n as u32 + 1,
            });
        }
    }
}

/// The attributes that name a resource the same way in Terraform and in the API.
fn identity(r: &Resource) -> Option<(String, String)> {
    let key = crate::aws::resource_type(&r.resource_type).map_or("name", |t| t.identity);
    let v = r.attribute(key)?.as_str()?;
    Some((r.resource_type.clone(), v.to_string()))
}

/// Gives live resources the `.tf` declaration that manages them (matched by bucket name,
/// identifier or name within a type), so findings point at the line to change.
fn attach_declarations(live: &mut [Resource], declared: &[Resource]) {
    let mut by_identity: HashMap<(String, String), &Resource> = HashMap::new();
    for d in declared {
        if let Some(k) = identity(d) {
            by_identity.entry(k).or_insert(d);
        }
        if let Some(arn) = d.attribute("arn").and_then(|v| v.as_str()) {
            by_identity
                .entry((d.resource_type.clone(), arn.to_string()))
                .or_insert(d);
        }
    }
    for r in live.iter_mut().filter(|r| r.origin.source == "aws") {
        let found = identity(r).and_then(|k| by_identity.get(&k)).or_else(|| {
            let arn = r.origin.arn.clone()?;
            by_identity.get(&(r.resource_type.clone(), arn))
        });
        let Some(d) = found else { continue };
        r.origin.span = d.origin.span.clone();
        r.origin.address = d.origin.address.clone().or_else(|| Some(d.uid.clone()));
        for (path, meta) in &d.attribute_meta {
            if let (Some(span), Some(m)) = (&meta.span, r.attribute_meta.get_mut(path)) {
                m.span = Some(span.clone());
            }
        }
    }
}

/// A snapshot whose keys are not in rampart's order (rewritten by another tool): told apart
/// from a plan by its top level, read in full.
fn snapshot_document(text: &str) -> bool {
    // A plan says so (and may be large): only what is not one is read in full here.
    if text.contains("\"planned_values\"") || text.contains("\"resource_changes\"") {
        return false;
    }
    crate::terraform::plan::parse_json_bounded(text).is_ok_and(|v| {
        v.get("schema_version").is_some() && v.get("tool").is_some() && v.get("resources").is_some()
    })
}

fn is_snapshot(text: &str) -> bool {
    let head: String = text.chars().take(512).collect();
    head.contains("\"schema_version\"") && head.contains("\"tool\"")
}

/// Options of one evaluation.
#[derive(Debug, Default, Clone)]
pub struct EvalOptions {
    pub selection: Selection,
    pub classification: ClassificationConfig,
    /// The waiver file's waivers and its problems (reported with the input's).
    pub waivers: WaiverFile,
    /// Fingerprints of a previous run: results found there are marked unchanged.
    pub baseline: Option<HashSet<String>>,
    /// Account ids that belong to the organization: trust in them is not cross-account.
    pub trusted_accounts: Vec<String>,
    /// The date the evaluation is as of (waiver expiry, credential ages); today (UTC) when unset.
    /// Re-judging an evidence snapshot as of the night it was taken gives that night's results.
    pub as_of: Option<time::Date>,
    /// Where the platform's policy says workloads take their credentials from (K8S-17).
    pub kubernetes_secrets: SecretsSource,
}

/// Where workloads may take credentials from. Kubernetes Secrets are accepted unless the
/// platform keeps its credentials in an external store mounted through the Secrets Store CSI
/// driver; then reading a Kubernetes Secret is a finding (K8S-17).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretsSource {
    #[default]
    Kubernetes,
    Csi,
}

impl std::str::FromStr for SecretsSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kubernetes" => Ok(Self::Kubernetes),
            "csi" => Ok(Self::Csi),
            other => Err(format!("{other:?} is not kubernetes or csi")),
        }
    }
}

/// The outcome of a scan, everything the writers need.
pub struct ScanOutcome {
    pub snapshot: Snapshot,
    pub results: Vec<RuleResult>,
    pub policy_digest: String,
    /// SHA-256 of the evaluated snapshot (with derived facts) as written (`Snapshot::to_json`).
    pub snapshot_digest: String,
    /// SHA-256 of the snapshot file the scan judged (one snapshot file read, or a live
    /// collection as `collect aws` writes it); `None` for other inputs (no file to match).
    pub input_digest: Option<String>,
    /// The waivers in force or expired, for the waiver register.
    pub waivers: Vec<Waiver>,
    /// When the evaluation ran (UTC).
    pub scanned_at: time::OffsetDateTime,
    /// The date the results are as of (`EvalOptions::as_of`, or the day it ran).
    pub as_of: time::Date,
}

impl ScanOutcome {
    pub fn is_incomplete(&self) -> bool {
        self.snapshot.is_incomplete()
            || self
                .results
                .iter()
                .any(|r| r.status == crate::engine::Status::Error)
    }
}

/// Classifies, evaluates and applies suppressions and the baseline.
pub fn evaluate(
    engine: &Engine,
    mut snapshot: Snapshot,
    opts: &EvalOptions,
) -> Result<ScanOutcome, ScanError> {
    let scanned_at = time::OffsetDateTime::now_utc();
    let input_digest = snapshot.file_digest.clone();
    let today = opts.as_of.unwrap_or_else(suppress::today);
    classify(&mut snapshot.resources, &opts.classification);
    crate::analyze::ages::derive(&mut snapshot.resources, today);
    crate::analyze::iam::analysis::analyze(&mut snapshot.resources, today);
    crate::analyze::kubernetes::analyze(&mut snapshot.resources);
    let config = serde_json::json!({
        "classification": opts.classification,
        "today": today.to_string(),
        "trusted_accounts": opts.trusted_accounts,
        "kubernetes_secrets": opts.kubernetes_secrets,
    });
    let mut results = engine.evaluate(&snapshot, &opts.selection, &config)?;
    let known = |id: &str| engine.rule(id).is_some();
    let mut waivers = opts.waivers.clone();
    waivers.check_rules(&known);
    let diags = suppress::apply(
        &mut results,
        &snapshot.resources,
        &waivers.waivers,
        today,
        &known,
    );
    snapshot.diagnostics.extend(diags);
    snapshot.diagnostics.extend(waivers.diagnostics);
    snapshot.normalize();
    if let Some(base) = &opts.baseline {
        for r in &mut results {
            r.baseline = Some(if base.contains(&r.fingerprint) {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
        }
    }
    Ok(ScanOutcome {
        as_of: today,
        snapshot_digest: crate::model::sha256_hex(snapshot.to_json().as_bytes()),
        input_digest,
        snapshot,
        results,
        policy_digest: engine.bundle_digest(),
        waivers: waivers.waivers,
        scanned_at,
    })
}

/// Fingerprints of the failures (and waived failures) in a findings JSON file written earlier.
pub fn load_baseline(path: &Path) -> Result<HashSet<String>, ScanError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScanError::Input(format!("cannot read baseline {}: {e}", path.display())))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        ScanError::Input(format!(
            "baseline {} is not findings JSON: {e}",
            path.display()
        ))
    })?;
    let results = doc
        .get("results")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| {
            ScanError::Input(format!("baseline {} has no results array", path.display()))
        })?;
    Ok(results
        .iter()
        .filter(|r| {
            matches!(
                r.get("status").and_then(serde_json::Value::as_str),
                Some("fail" | "waived")
            )
        })
        .filter_map(|r| {
            r.get("fingerprint")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        })
        .collect())
}
