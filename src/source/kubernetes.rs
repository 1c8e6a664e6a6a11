//! Kubernetes: manifests (YAML, JSON, piped `helm template` output), Helm charts rendered with
//! helm, and the live cluster through the kubeconfig.

use std::path::Path;

use super::directory::looks_like_kubernetes_json;
use super::{Input, KubeSource, Loaded, Source, SourceError};
use crate::input::rel_path;
use crate::model::{CoverageEntry, CoverageStatus, Diagnostic, Snapshot, SourceKind};

/// YAML files, JSON files that open like Kubernetes objects, and piped text.
pub(super) struct Manifests;

impl Source for Manifests {
    fn detect(&self, input: &Input) -> bool {
        match input {
            Input::Stdin(_) => true,
            Input::File { path, text, .. } => {
                path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                    || (!super::snapshot_file::is_snapshot(text)
                        && looks_like_kubernetes_json(&text.chars().take(4096).collect::<String>()))
            }
            _ => false,
        }
    }

    fn load(&self, input: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        let mut diags = Vec::new();
        match input {
            Input::Stdin(text) => read_manifests(text, "<stdin>", &mut into.snapshot, &mut diags),
            Input::File { rel, text, .. } => {
                read_manifests(text, rel, &mut into.snapshot, &mut diags)
            }
            _ => {}
        }
        into.snapshot.diagnostics.extend(diags);
        Ok(())
    }
}

/// Helm charts, rendered with `helm template`.
pub(super) struct Charts<'a> {
    pub root: &'a Path,
}

impl Source for Charts<'_> {
    fn detect(&self, input: &Input) -> bool {
        matches!(input, Input::Chart(_))
    }

    fn load(&self, input: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        if let Input::Chart(dir) = input {
            let mut diags = Vec::new();
            read_chart(dir, self.root, &mut into.snapshot, &mut diags);
            into.snapshot.diagnostics.extend(diags);
        }
        Ok(())
    }
}

/// The live cluster(s), when asked for.
pub(super) struct LiveCluster<'a>(pub Option<&'a KubeSource>);

impl Source for LiveCluster<'_> {
    fn detect(&self, input: &Input) -> bool {
        matches!(input, Input::Live) && self.0.is_some()
    }

    #[cfg(feature = "kubernetes")]
    fn load(&self, _: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        let Some(k) = self.0 else { return Ok(()) };
        let opts = crate::collect::kubernetes::Options {
            kubeconfig: k.kubeconfig.clone(),
            contexts: k.contexts.clone(),
            all_contexts: k.all_contexts,
        };
        let c = crate::collect::kubernetes::collect(&opts)?;
        into.snapshot.resources.extend(c.resources);
        into.snapshot.coverage.extend(c.coverage);
        Ok(())
    }

    #[cfg(not(feature = "kubernetes"))]
    fn load(&self, _: &Input, _: &mut Loaded) -> Result<(), SourceError> {
        Err(SourceError::NotBuiltIn("kubernetes"))
    }
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
        let mut r = crate::kubernetes::adapter::adapt(
            &o.value,
            SourceKind::Manifest,
            Some(rel),
            Some(o.span),
            None,
        );
        crate::kubernetes::adapter::place_fields(&mut r, &o.value, &o.fields, rel);
        snapshot.resources.push(r);
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
