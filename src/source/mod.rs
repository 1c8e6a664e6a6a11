//! Sources: every kind of input rampart reads, each a [`Source`] that says whether an input is
//! its kind (`detect`) and reads it into the snapshot being built (`load`). Terraform root
//! modules, plan JSON, Kubernetes manifests and Helm charts, saved snapshots, AWS CLI exports and
//! credential reports, the live AWS account and the live cluster: [`build_snapshot`] offers each
//! input to the sources in a fixed order, and the first that recognises it reads it. Sources
//! only read: writing the snapshot is the caller's.

mod aws;
mod directory;
mod kubernetes;
mod snapshot_file;
mod terraform;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::input::{self, rel_path};
use crate::model::{Diagnostic, DiagnosticLevel, Snapshot};
use crate::terraform::VarInputs;

pub use directory::{walk_directory, Found};
pub use kubernetes::read_manifests;

/// Why a source could not be read at all (what can be read in part is read, and the rest
/// reported as diagnostics and coverage gaps on exactly what it concerns).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error("standard input: {0}")]
    Stdin(#[source] std::io::Error),
    #[cfg(feature = "aws")]
    #[error(transparent)]
    Aws(#[from] crate::collect::aws::live::LiveError),
    #[cfg(feature = "kubernetes")]
    #[error(transparent)]
    Kubernetes(#[from] crate::collect::kubernetes::KubernetesError),
    #[error("this rampart was built without the `{0}` feature")]
    NotBuiltIn(&'static str),
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
    type Err = crate::model::BadValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use crate::model::BadValue;
        let (glob, account) = s
            .rsplit_once('=')
            .ok_or_else(|| BadValue::new(s, "ROOT_GLOB=ACCOUNT_ID"))?;
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadValue::new(account, "a 12-digit AWS account id"));
        }
        let roots = globset::Glob::new(glob.trim_end_matches('/'))
            .map_err(|e| BadValue::new(glob, format!("a glob ({e})")))?
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

/// One input, as the sources see it.
pub enum Input<'a> {
    /// A Terraform root module.
    Module(&'a Path),
    /// A Helm chart (a directory with `Chart.yaml`).
    Chart(&'a Path),
    /// A file's text; `rel` is its path relative to the scan root.
    File {
        path: &'a Path,
        rel: &'a str,
        text: &'a str,
    },
    /// Text piped on standard input (Kubernetes manifests, as `helm template` writes them).
    Stdin(&'a str),
    /// The live environment.
    Live,
}

/// One kind of input.
pub trait Source: Sync {
    /// Whether `input` is of this kind.
    fn detect(&self, input: &Input) -> bool;
    /// Reads `input` into `into`.
    fn load(&self, input: &Input, into: &mut Loaded) -> Result<(), SourceError>;
    /// Reads `input` if it is of this kind; whether it was. A source whose detection is the
    /// reading itself (parsing a whole document) does both at once instead of parsing twice.
    fn read(&self, input: &Input, into: &mut Loaded) -> Result<bool, SourceError> {
        if !self.detect(input) {
            return Ok(false);
        }
        self.load(input, into)?;
        Ok(true)
    }
}

/// What the sources read, before it is joined into one snapshot.
#[derive(Default)]
pub struct Loaded {
    pub snapshot: Snapshot,
    /// Service-last-accessed reports annotate principals read from other inputs, so they are
    /// applied once everything is loaded: (file, document).
    pub service_reports: Vec<(String, serde_json::Value)>,
    /// A snapshot file was read: it stands for what it was collected from, not for itself.
    pub stands_for_sources: bool,
}

impl Loaded {
    fn absorb(&mut self, other: Loaded) {
        let s = other.snapshot;
        self.snapshot.sources.extend(s.sources);
        self.snapshot.resources.extend(s.resources);
        self.snapshot.coverage.extend(s.coverage);
        self.snapshot.diagnostics.extend(s.diagnostics);
        if s.file_digest.is_some() {
            self.snapshot.file_digest = s.file_digest;
        }
        self.service_reports.extend(other.service_reports);
    }
}

/// Every source, in the order an input is offered to them: the first that detects it reads it
/// (a plan is what a JSON file is when it is nothing more specific).
fn registry<'a>(
    sources: &'a Sources,
    plan_source: &'a terraform::PlanSource<'a>,
) -> Vec<Box<dyn Source + 'a>> {
    vec![
        Box::new(terraform::Modules { sources }),
        Box::new(kubernetes::Charts {
            root: &sources.root,
        }),
        Box::new(aws::CliExports),
        Box::new(aws::CredentialReports),
        Box::new(kubernetes::Manifests),
        Box::new(snapshot_file::SnapshotFiles {
            alone: sources.paths.len() == 1
                && sources.aws.is_none()
                && sources.kubernetes.is_none(),
        }),
        Box::new(terraform::Plans {
            source: plan_source,
        }),
        Box::new(kubernetes::LiveCluster(sources.kubernetes.as_ref())),
        Box::new(aws::LiveAccount(sources.aws.as_ref())),
    ]
}

/// What the paths named on the command line hold: root modules and charts found in
/// directories, files, and piped text.
struct Expanded {
    modules: Vec<PathBuf>,
    charts: Vec<PathBuf>,
    files: Vec<PathBuf>,
    stdin: Option<String>,
}

fn expand(sources: &Sources, diags: &mut Vec<Diagnostic>) -> Result<Expanded, SourceError> {
    let mut out = Expanded {
        modules: Vec::new(),
        charts: Vec::new(),
        files: Vec::new(),
        stdin: None,
    };
    for p in &sources.paths {
        if p.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                .map_err(SourceError::Stdin)?;
            match input::decode_text(bytes) {
                Ok(text) => out.stdin = Some(text),
                Err(why) => diags.push(Diagnostic::at_line(
                    DiagnosticLevel::Error,
                    "<stdin>",
                    1,
                    format!("standard input {why}; not scanned"),
                )),
            }
        } else if p.is_dir() {
            let found = walk_directory(p, diags);
            out.modules.extend(found.roots);
            out.files.extend(found.manifests);
            out.charts.extend(found.charts);
        } else if p.extension().is_some_and(|e| e == "tf")
            || p.to_string_lossy().ends_with(".tf.json")
        {
            // Terraform's unit is the module directory: one file's blocks refer to variables,
            // locals and resources of its siblings, so a file stands for the module it is in.
            let module = p.parent().unwrap_or(&sources.root).to_path_buf();
            if !out.modules.contains(&module) {
                out.modules.push(module);
            }
        } else if p.is_file() {
            out.files.push(p.clone());
        } else {
            return Err(SourceError::Missing(p.clone()));
        }
    }
    Ok(out)
}

/// Offers one input to the sources; the first whose kind it is reads it.
fn load_one(registry: &[Box<dyn Source + '_>], input: &Input) -> Result<Loaded, SourceError> {
    let mut loaded = Loaded::default();
    for source in registry {
        if source.read(input, &mut loaded)? {
            break;
        }
    }
    Ok(loaded)
}

/// Reads every source into one snapshot.
pub fn build_snapshot(sources: &Sources) -> Result<Snapshot, SourceError> {
    let root = &sources.root;
    let plan_source = terraform::PlanSource::new(sources);
    let registry = registry(sources, &plan_source);
    let mut diags = Vec::new();
    let inputs = expand(sources, &mut diags)?;
    let mut all = Loaded::default();
    all.snapshot.sources = sources.paths.iter().map(|p| rel_path(root, p)).collect();
    // Root modules are evaluated in parallel; each file is read once, then offered.
    let modules: Vec<Result<Loaded, SourceError>> = inputs
        .modules
        .par_iter()
        .map(|m| load_one(&registry, &Input::Module(m)))
        .collect();
    for m in modules {
        all.absorb(m?);
    }
    for f in &inputs.files {
        let rel = rel_path(root, f);
        // Manifests are written by hand (or rendered): the configuration limit. Machine-written
        // JSON (plans, snapshots, exports) may be far larger.
        let hand_written = f.extension().is_some_and(|e| e == "yaml" || e == "yml");
        let limit = if hand_written {
            input::MAX_FILE_BYTES
        } else {
            input::MAX_DOCUMENT_BYTES
        };
        let text = match input::read_text_limited(f, &rel, limit) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let loaded = load_one(
            &registry,
            &Input::File {
                path: f,
                rel: &rel,
                text: &text,
            },
        )?;
        if loaded.stands_for_sources {
            all.snapshot.sources.retain(|x| *x != rel);
        }
        all.absorb(loaded);
    }
    if let Some(text) = &inputs.stdin {
        all.absorb(load_one(&registry, &Input::Stdin(text))?);
    }
    for c in &inputs.charts {
        all.absorb(load_one(&registry, &Input::Chart(c))?);
    }
    // Every live source asked for reads, not only the first.
    for source in &registry {
        source.read(&Input::Live, &mut all)?;
    }
    let Loaded {
        mut snapshot,
        service_reports,
        ..
    } = all;
    let implied = crate::kubernetes::adapter::implied_namespaces(&snapshot.resources);
    snapshot.resources.extend(implied);
    diags.extend(crate::kubernetes::adapter::aws_auth_problems(
        &snapshot.resources,
    ));
    for (rel, doc) in service_reports {
        diags.extend(crate::collect::aws::service_last_accessed::apply(
            &doc,
            &rel,
            &mut snapshot.resources,
        ));
    }
    snapshot.diagnostics.extend(diags);
    snapshot.normalize();
    plan_source.attach_declarations(&mut snapshot.resources);
    if sources.aws.is_some() {
        // A live collection is recorded by the digest it has as a snapshot file (what
        // `collect aws` prints), so a later scan of that file names the same one.
        snapshot.file_digest = Some(crate::model::sha256_hex(snapshot.to_json().as_bytes()));
    }
    Ok(snapshot)
}
