//! Walking a directory once for everything rampart reads in it.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::model::{Diagnostic, DiagnosticLevel};

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
                let at = e.path().map(|p| crate::input::rel_path(dir, p));
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
pub(super) fn looks_like_kubernetes_json(head: &str) -> bool {
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
