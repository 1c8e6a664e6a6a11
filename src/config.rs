//! The configuration file beside the code, `.rampart.yaml` at the repository root: what a team
//! would otherwise repeat on every command line. Parsed raw (unknown keys refused), then
//! validated into [`Config`]; every error names the file and line. Flags override it (the
//! command line merges the two).

use serde::Deserialize;
use std::path::{Path, PathBuf};

use crate::engine::metadata::Severity;
use crate::scan::SecretsSource;

/// The name the file is found by, at the repository root.
pub const FILE_NAME: &str = ".rampart.yaml";

#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    paths: Option<Vec<String>>,
    fail_on: Option<String>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    classification: Option<RawClassification>,
    frameworks: Option<Vec<String>>,
    policies: Option<Vec<String>>,
    waivers: Option<String>,
    kubernetes_secrets: Option<String>,
    trusted_accounts: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClassification {
    tags: Option<Vec<String>>,
    levels: Option<Vec<String>>,
    default: Option<String>,
    namespace_default: Option<String>,
}

/// What the failure threshold is: a severity, or never. Parsed the same from `--fail-on` and
/// from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    AtOrAbove(Severity),
    Never,
}

impl FailOn {
    /// The severity at or above which failures fail the run; `None` for never.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::AtOrAbove(s) => Some(s),
            FailOn::Never => None,
        }
    }
}

impl std::str::FromStr for FailOn {
    type Err = crate::model::BadValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "never" | "none" => Ok(FailOn::Never),
            other => Severity::parse(other)
                .map(FailOn::AtOrAbove)
                .ok_or_else(|| {
                    crate::model::BadValue::new(other, "critical, high, medium, low, info or never")
                }),
        }
    }
}

/// The validated configuration; paths are resolved against the file's directory.
#[derive(Debug, Default)]
pub struct Config {
    pub file: PathBuf,
    pub paths: Vec<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub classification_tags: Vec<String>,
    pub classification_levels: Vec<String>,
    pub classification_default: Option<String>,
    pub namespace_classification_default: Option<String>,
    pub frameworks: Vec<String>,
    pub policies: Vec<PathBuf>,
    pub waivers: Option<PathBuf>,
    pub kubernetes_secrets: Option<SecretsSource>,
    pub trusted_accounts: Vec<String>,
}

/// The configuration named, or else `.rampart.yaml` in `root` if there is one. Found by
/// convention, the file is the repository's (a pull request's) to write: it must resolve inside
/// `root`, and so must the waiver file it names; named on the command line, both are the user's.
pub fn find(named: Option<&Path>, root: &Path) -> Result<Option<Config>, ConfigError> {
    let outside = |path: &Path, why: String| ConfigError {
        file: path.display().to_string(),
        line: 0,
        message: why,
    };
    let path = match named {
        Some(p) => p.to_path_buf(),
        None => {
            let p = root.join(FILE_NAME);
            if std::fs::symlink_metadata(&p).is_err() {
                return Ok(None);
            }
            crate::input::inside_root(root, &p).map_err(|why| outside(&p, why.to_string()))?
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        file: path.display().to_string(),
        line: 0,
        message: e.to_string(),
    })?;
    let config = parse(&text, &path)?;
    if let (None, Some(w)) = (named, &config.waivers) {
        if w.exists() {
            crate::input::inside_root(root, w).map_err(|why| ConfigError {
                file: path.display().to_string(),
                line: line_of(&text, "waivers"),
                message: format!("waivers: {why}"),
            })?;
        }
    }
    Ok(Some(config))
}

/// Parses and validates the text of a configuration file found at `path`.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let file = path.display().to_string();
    let error = |line: usize, message: String| ConfigError {
        file: file.clone(),
        line,
        message,
    };
    // An empty file is an empty configuration.
    let raw: RawConfig = if text.trim().is_empty() {
        RawConfig::default()
    } else {
        // The parser's message is about the structure (an unknown key, a list where a string
        // belongs), never a copy of the value.
        serde_yaml_ng::from_str(text).map_err(|e| {
            let line = e.location().map_or(0, |l| l.line());
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            error(line, message.to_string())
        })?
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let resolve = |p: &String| dir.join(p);
    let line = |key: &str| line_of(text, key);
    let fail_on = raw
        .fail_on
        .map(|s| {
            s.parse::<FailOn>()
                .map_err(|e| error(line("fail_on"), format!("fail_on: {e}")))
        })
        .transpose()?;
    let kubernetes_secrets = raw
        .kubernetes_secrets
        .map(|s| {
            s.parse::<SecretsSource>().map_err(|e| {
                error(
                    line("kubernetes_secrets"),
                    format!("kubernetes_secrets: {e}"),
                )
            })
        })
        .transpose()?;
    let c = raw.classification.unwrap_or_default();
    let levels: Vec<String> = c
        .levels
        .unwrap_or_default()
        .iter()
        .map(|l| l.trim().to_ascii_lowercase())
        .collect();
    let known = |level: &str| {
        if levels.is_empty() {
            crate::analyze::classification::ClassificationConfig::default()
                .levels
                .iter()
                .any(|l| l == level)
        } else {
            levels.iter().any(|l| l == level)
        }
    };
    let level_of = |key: &str, v: Option<String>| -> Result<Option<String>, ConfigError> {
        let Some(v) = v.map(|v| v.trim().to_ascii_lowercase()) else {
            return Ok(None);
        };
        if known(&v) {
            Ok(Some(v))
        } else {
            Err(error(
                line(key),
                format!("classification.{key}: {v:?} is not one of the levels"),
            ))
        }
    };
    let classification_default = level_of("default", c.default)?;
    let namespace_classification_default = level_of("namespace_default", c.namespace_default)?;
    Ok(Config {
        file: path.to_path_buf(),
        paths: raw.paths.unwrap_or_default().iter().map(resolve).collect(),
        fail_on,
        select: raw.select.unwrap_or_default(),
        ignore: raw.ignore.unwrap_or_default(),
        classification_tags: c.tags.unwrap_or_default(),
        classification_levels: levels,
        classification_default,
        namespace_classification_default,
        frameworks: raw.frameworks.unwrap_or_default(),
        policies: raw
            .policies
            .unwrap_or_default()
            .iter()
            .map(resolve)
            .collect(),
        waivers: raw.waivers.as_ref().map(resolve),
        kubernetes_secrets,
        trusted_accounts: raw.trusted_accounts.unwrap_or_default(),
    })
}

/// The 1-based line where `key:` is first written, for errors found after parsing (0 if not).
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("/repo/.rampart.yaml"))
    }

    #[test]
    fn a_full_file_is_read_and_paths_resolve_beside_it() {
        let c = parse_text(
            "paths: [infra, k8s]\nfail_on: medium\nselect: [IAM]\nignore: [LOG-04]\n\
             classification:\n  tags: [data-class]\n  levels: [restricted, public]\n  default: restricted\n\
             frameworks: [ferpa]\npolicies: [policies/custom]\nwaivers: .rampart/w.yaml\n\
             kubernetes_secrets: csi\ntrusted_accounts: ['111122223333']\n",
        )
        .unwrap();
        assert_eq!(
            c.paths,
            [PathBuf::from("/repo/infra"), PathBuf::from("/repo/k8s")]
        );
        assert_eq!(c.fail_on, Some(FailOn::AtOrAbove(Severity::Medium)));
        assert_eq!(c.classification_default.as_deref(), Some("restricted"));
        assert_eq!(c.waivers, Some(PathBuf::from("/repo/.rampart/w.yaml")));
        assert_eq!(c.kubernetes_secrets, Some(SecretsSource::Csi));
        assert_eq!(c.trusted_accounts, ["111122223333"]);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_their_line() {
        let e = parse_text("paths: [.]\nfial_on: high\n").unwrap_err();
        assert_eq!((e.line, e.file.as_str()), (2, "/repo/.rampart.yaml"));
        assert!(e.message.contains("unknown field `fial_on`"), "{e}");
        let e = parse_text("classification:\n  tag: [x]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e = parse_text("paths: [.]\nfail_on: severe\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e = parse_text("classification:\n  levels: [a, b]\n  default: ferpa\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse_text("kubernetes_secrets: vault\n").unwrap_err();
        assert_eq!(e.line, 1, "{e}");
        let e = parse_text("paths: infra\n").unwrap_err();
        assert_eq!(e.line, 1, "{e}");
    }

    /// The README's example is a valid file.
    #[test]
    fn the_documented_example_parses() {
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("### The configuration file").unwrap()..];
        let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
        let example = &section[start..start + section[start..].find("```").unwrap()];
        let c = parse_text(example).unwrap();
        assert_eq!(c.kubernetes_secrets, Some(SecretsSource::Csi));
        assert_eq!(
            c.namespace_classification_default.as_deref(),
            Some("internal")
        );
    }

    #[test]
    fn an_empty_file_is_an_empty_configuration() {
        let c = parse_text("\n").unwrap();
        assert!(c.paths.is_empty() && c.fail_on.is_none());
    }
}
