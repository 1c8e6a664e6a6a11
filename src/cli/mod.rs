//! The command line: what each subcommand takes, parsed by clap, and how it becomes the library's
//! inputs (`Sources`, the raw scan options). Dispatch is `main.rs`'s.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use rampart::source::{self, Sources};
use rampart::terraform::VarInputs;

#[derive(Parser)]
#[command(
    name = "rampart",
    version,
    about = "Security and compliance scanner for AWS, Kubernetes and Terraform, with FERPA-aligned controls"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
    Collect(Box<CollectArgs>),
    /// Join the snapshots of shards (`collect aws --shard K/N`) into one. Evaluate the result
    /// with `scan` for the findings of the whole: rules that join resources across regions
    /// (CloudTrail data events for buckets, IAM reachability) cannot be judged shard by shard.
    Merge {
        #[arg(required = true)]
        snapshots: Vec<PathBuf>,
        /// Where to write the merged snapshot (standard output by default).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// What changed between two findings files (`--json` output of two runs): new, resolved
    /// and unchanged failures.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// Exit 1 when there are new failures.
        #[arg(long)]
        fail_on_new: bool,
    },
    /// List the rules.
    Rules(RulesArgs),
    /// Describe one rule.
    Explain { id: String },
    /// Work with policies.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Print the shell completion script for SHELL (e.g. `rampart completions bash >
    /// /etc/bash_completion.d/rampart`).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff), generated from these same definitions.
    Man,
    /// One shard of the nightly scan, as the CronJob in deploy/kubernetes runs it: collects share
    /// K of N of what the collect arguments name into EVIDENCE_DIR/RUN/shard-K.json; the last
    /// shard to finish merges every shard's snapshot and writes the report beside it. It needs
    /// no shell, so the image has none.
    Nightly(NightlyArgs),
}

#[derive(Args)]
pub(crate) struct NightlyArgs {
    /// This shard's index, from 0 (an indexed Job's JOB_COMPLETION_INDEX).
    #[arg(long, env = "JOB_COMPLETION_INDEX")]
    pub(crate) shard_index: u32,
    /// How many shards the night's work is split into.
    #[arg(long, env = "SHARDS")]
    pub(crate) shards: u32,
    /// Where each night's snapshots and report are written (a volume every shard shares).
    #[arg(long, value_name = "DIR", env = "EVIDENCE_DIR")]
    pub(crate) evidence_dir: PathBuf,
    /// The night's directory under DIR (default: today's date, UTC).
    #[arg(long, env = "RUN_ID")]
    pub(crate) run_id: Option<String>,
    /// What to read, as `rampart collect` takes it (e.g. `aws --organization --role-name
    /// rampart-readonly`).
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub(crate) collect: Vec<String>,
}

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Run the `test_*` rules of `_test.rego` files (the built-in ones, or those under DIR).
    Test { dir: Option<PathBuf> },
    /// Judge one user rule in this process (how `scan` runs each rule from --policies apart).
    #[command(hide = true)]
    EvalIsolated { dir: PathBuf, rule: String },
}

#[derive(Args, Clone)]
pub(crate) struct SourceArgs {
    /// Terraform directories (every root module below is scanned, and Kubernetes manifests
    /// below them), plan JSON files (`terraform show -json`), Kubernetes manifests (YAML or
    /// JSON; `-` reads them from standard input), `aws iam get-account-authorization-details`
    /// output, snapshot files, `k8s` for the live cluster of the kubeconfig, or `aws` for the live
    /// AWS account. Default: the `paths` of `.rampart.yaml`.
    pub(crate) paths: Vec<PathBuf>,
    /// The Terraform source of a plan or of a live account, so findings point at `.tf` lines.
    #[arg(long, value_name = "DIR")]
    pub(crate) source: Option<PathBuf>,
    /// Set a root module variable (`name=value`); repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub(crate) vars: Vec<String>,
    /// A `.tfvars` file; repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    pub(crate) var_files: Vec<PathBuf>,
    /// Paths in the output are relative to this directory (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// Terraform root modules (a glob on their path under --root) that manage this AWS account,
    /// e.g. `envs/prod*=111111111111`; repeatable. Roots in one account are analysed together
    /// (who can reach which data store); otherwise each root stands alone, unless its
    /// `provider "aws"` pins `allowed_account_ids` to one account.
    #[arg(long = "root-account", value_name = "GLOB=ACCOUNT_ID")]
    pub(crate) root_accounts: Vec<rampart::source::RootAccount>,
    /// A kubeconfig for `k8s` (default: $KUBECONFIG or ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub(crate) kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to read with `k8s`; repeatable (default: the current one).
    #[arg(long = "context", value_name = "NAME")]
    pub(crate) contexts: Vec<String>,
    /// Read every context of the kubeconfig with `k8s`.
    #[arg(long)]
    pub(crate) all_contexts: bool,
    #[command(flatten)]
    pub(crate) aws: AwsArgs,
    /// Exit as if complete when some data could not be read or assessed; the gaps are still
    /// reported as `error` results and coverage entries.
    #[arg(long)]
    pub(crate) allow_partial: bool,
    /// Log progress to standard error (`-vv`: every API call).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// The live AWS account (`aws` as a path). Credentials and the default region come from the
/// standard chain: environment, profile, SSO, web identity (CI OIDC), container or instance role;
/// `AWS_ENDPOINT_URL` points every service at another endpoint (e.g. a local emulator).
#[derive(Args, Clone)]
#[command(next_help_heading = "Live AWS (`aws`)")]
pub(crate) struct AwsArgs {
    /// A profile of the shared AWS config.
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Regions to read, comma-separated (default: every region enabled for the account).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) regions: Vec<String>,
    /// Assume this role first (e.g. the read-only role of the target account).
    #[arg(long, value_name = "ARN")]
    pub(crate) role_arn: Option<String>,
    /// External id for the roles assumed.
    #[arg(long, value_name = "ID")]
    pub(crate) external_id: Option<String>,
    /// A file of accounts to read, one per line: a 12-digit id (with --role-name) or a role ARN.
    #[arg(long, value_name = "FILE")]
    pub(crate) accounts: Option<PathBuf>,
    /// Read every active account of the AWS organization (organizations:ListAccounts).
    #[arg(long)]
    pub(crate) organization: bool,
    /// The role to assume in each account of --accounts or --organization.
    #[arg(long, value_name = "NAME")]
    pub(crate) role_name: Option<String>,
    /// Services to read, comma-separated (default: iam,ec2,s3,kms,rds,dynamodb,cloudtrail,eks,elbv2).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) services: Vec<String>,
    /// Take share K of N of the account × region work (e.g. 2/4); merge the shards' snapshots
    /// with `rampart merge`.
    #[arg(long, value_name = "K/N")]
    pub(crate) shard: Option<String>,
    /// Concurrent API calls per service and region.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub(crate) concurrency: usize,
    /// Seconds allowed for one API call, retries included.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub(crate) call_timeout: u64,
    /// Seconds allowed for the whole collection; what is not read by then is reported unread.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub(crate) deadline: u64,
    /// With `scan aws`: keep the collected snapshot in this file (findings without a `.tf`
    /// declaration point into it).
    #[arg(long, value_name = "FILE")]
    pub(crate) snapshot: Option<PathBuf>,
}

impl AwsArgs {
    pub(crate) fn source(&self, verbose: u8) -> Result<source::AwsSource> {
        #[cfg(feature = "aws")]
        {
            use rampart::collect::aws::live;
            let accounts = match &self.accounts {
                Some(f) => std::fs::read_to_string(f)
                    .with_context(|| format!("--accounts {}", f.display()))?
                    .lines()
                    .map(|l| l.split('#').next().unwrap_or_default().trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect(),
                None => Vec::new(),
            };
            let shard = match &self.shard {
                Some(s) => s.parse().map_err(|e| anyhow::anyhow!("--shard: {e}"))?,
                None => live::Shard::default(),
            };
            use std::io::IsTerminal;
            Ok(source::AwsSource {
                options: live::Options {
                    profile: self.profile.clone(),
                    regions: (!self.regions.is_empty()).then(|| self.regions.clone()),
                    role_arn: self.role_arn.clone(),
                    external_id: self.external_id.clone(),
                    accounts,
                    organization: self.organization,
                    role_name: self.role_name.clone(),
                    services: self.services.clone(),
                    shard,
                    concurrency: self.concurrency,
                    call_timeout: std::time::Duration::from_secs(self.call_timeout.max(1)),
                    deadline: std::time::Duration::from_secs(self.deadline.max(1)),
                    progress: verbose == 0
                        && std::io::stderr().is_terminal()
                        && std::env::var_os("CI").is_none(),
                },
                snapshot_out: self.snapshot.clone(),
            })
        }
        #[cfg(not(feature = "aws"))]
        {
            let _ = verbose;
            Ok(source::AwsSource {
                snapshot_out: self.snapshot.clone(),
            })
        }
    }
}

impl SourceArgs {
    /// The directory paths are reported relative to, and where `.rampart.yaml` is looked for.
    pub(crate) fn root(&self) -> Result<PathBuf> {
        Ok(match &self.root {
            Some(r) => r.clone(),
            None => std::env::current_dir()?,
        })
    }

    pub(crate) fn sources(&self) -> Result<Sources> {
        if self.paths.is_empty() {
            bail!(
                "nothing to scan: name paths on the command line or in {}",
                rampart::config::FILE_NAME
            );
        }
        let root = self.root()?;
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
        // `k8s` and `aws` (when no such path exists) are the live cluster and account.
        let is_live = |p: &PathBuf, word: &str| p.as_os_str() == word && !p.exists();
        let live = |p: &PathBuf| is_live(p, "k8s") || is_live(p, "aws");
        let live_aws = self.paths.iter().any(|p| is_live(p, "aws"));
        let kubernetes = (self.paths.iter().any(|p| is_live(p, "k8s"))
            || !self.contexts.is_empty()
            || self.all_contexts)
            .then(|| source::KubeSource {
                kubeconfig: self.kubeconfig.clone(),
                contexts: self.contexts.clone(),
                all_contexts: self.all_contexts,
            });
        Ok(Sources {
            kubernetes,
            aws: live_aws
                .then(|| self.aws.source(self.verbose))
                .transpose()?,
            paths: self
                .paths
                .iter()
                .filter(|p| !live(p))
                .map(abs)
                .collect::<Result<_>>()?,
            plan_source: self.source.as_ref().map(abs).transpose()?,
            root_accounts: self.root_accounts.clone(),
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
pub(crate) enum Format {
    Terminal,
    Json,
    Sarif,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Args)]
pub(crate) struct ScanArgs {
    #[command(flatten)]
    pub(crate) source: SourceArgs,
    /// Add the rules (`*.rego`) under this directory; repeatable.
    #[arg(long = "policies", value_name = "DIR")]
    pub(crate) policies: Vec<PathBuf>,
    /// Seconds one rule may run over the whole input; a rule that runs longer reports `error`
    /// on every resource it applies to, and the other rules still run.
    #[arg(long, value_name = "SECONDS", default_value_t = rampart::engine::DEFAULT_RULE_TIME_LIMIT.as_secs())]
    pub(crate) rule_timeout: u64,
    /// Run only rules whose id is or starts with this; repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub(crate) select: Vec<String>,
    /// Skip rules whose id is or starts with this; repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,
    /// Exit 1 on new failures at or above this severity, `never` to exit 0 on findings
    /// (default: high for scan, never for report).
    #[arg(long, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<rampart::config::FailOn>,
    /// Findings JSON of an earlier run: only failures not in it are new and can fail the run.
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
    /// Waiver file (default: `.rampart/waivers.yaml` under the root, if present).
    #[arg(long, value_name = "FILE")]
    pub(crate) waivers: Option<PathBuf>,
    /// Tag key that carries the data classification; repeatable.
    #[arg(long = "classification-tag", value_name = "KEY")]
    pub(crate) classification_tags: Vec<String>,
    /// Valid classification values, most sensitive first (default: ferpa,pii,internal,public).
    #[arg(
        long = "classification-levels",
        value_name = "LIST",
        value_delimiter = ','
    )]
    pub(crate) classification_levels: Vec<String>,
    /// What an untagged data store is treated as (default: ferpa).
    #[arg(long = "classification-default", value_name = "LEVEL")]
    pub(crate) classification_default: Option<String>,
    /// What an unlabelled Kubernetes namespace is treated as (default: as an untagged data
    /// store, so ferpa): a FERPA namespace needs a default-deny NetworkPolicy and Pod Security
    /// labels.
    #[arg(long = "namespace-classification-default", value_name = "LEVEL")]
    pub(crate) namespace_classification_default: Option<String>,
    /// Where workloads may take credentials from: `kubernetes` (Secrets are accepted; the
    /// default) or `csi` (the platform's external store through the Secrets Store CSI driver; a
    /// workload that reads a Kubernetes Secret fails K8S-17).
    #[arg(long = "kubernetes-secrets", value_name = "SOURCE")]
    pub(crate) kubernetes_secrets: Option<rampart::scan::SecretsSource>,
    /// Configuration file (default: `.rampart.yaml` in --root or the current directory, if
    /// present). Flags given on the command line override it.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// An AWS account id of your organization (trust in it is not cross-account); repeatable.
    #[arg(long = "trusted-account", value_name = "ACCOUNT_ID")]
    pub(crate) trusted_accounts: Vec<String>,
    /// Judge as of this date (YYYY-MM-DD) instead of today: waiver expiry and credential ages.
    /// Re-judging a night's evidence snapshot as of that night reproduces its results.
    #[arg(long = "as-of", value_name = "DATE", value_parser = parse_date)]
    pub(crate) as_of: Option<time::Date>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "terminal")]
    pub(crate) format: Format,
    /// Write results.sarif, findings.json, summary.md, report.html and snapshot.json into this
    /// directory.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub(crate) output_dir: Option<PathBuf>,
    /// Write SARIF to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) sarif: Option<PathBuf>,
    /// Write findings JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) json: Option<PathBuf>,
    /// Write the Markdown summary to this file (e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    pub(crate) markdown: Option<PathBuf>,
    /// SARIF category (automationDetails.id), for several uploads per commit.
    #[arg(long, default_value = "rampart/terraform/")]
    pub(crate) category: String,
    /// Write the HTML auditor report to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// Write JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Write every result as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) csv: Option<PathBuf>,
    /// Write Prometheus metrics to this file (a node-exporter textfile).
    #[arg(long, value_name = "FILE")]
    pub(crate) prometheus: Option<PathBuf>,
    /// Push Prometheus metrics to this Pushgateway (e.g. http://pushgateway:9091).
    #[arg(long, value_name = "URL")]
    pub(crate) pushgateway: Option<String>,
    /// Control frameworks for the report (default: all built-in); repeatable.
    #[arg(long = "framework", value_name = "ID")]
    pub(crate) frameworks: Vec<String>,
    /// An earlier evidence pack, for trends (new, resolved, time to fix); repeatable.
    #[arg(long = "previous", value_name = "DIR")]
    pub(crate) previous: Vec<PathBuf>,
    /// Write the evidence pack (report, findings, SARIF, CSV, JUnit, metrics, snapshot, manifest).
    #[arg(long, value_name = "DIR")]
    pub(crate) evidence: Option<PathBuf>,
    /// Print how long each phase took to standard error.
    #[arg(long)]
    pub(crate) timings: bool,
}

#[derive(Args)]
pub(crate) struct CollectArgs {
    #[command(flatten)]
    pub(crate) source: SourceArgs,
    /// Where to write the snapshot (standard output by default).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct RulesArgs {
    /// Add the rules under this directory; repeatable.
    #[arg(long = "policies", value_name = "DIR")]
    pub(crate) policies: Vec<PathBuf>,
    /// Show a framework's controls and which rules automate them (ferpa, cis_aws, cis_eks, nist_800_53).
    #[arg(long, value_name = "ID")]
    pub(crate) framework: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn parse_date(s: &str) -> Result<time::Date, String> {
    rampart::model::parse_date(s).map_err(|e| format!("{s:?} is not a YYYY-MM-DD date: {e}"))
}
