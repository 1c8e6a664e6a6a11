//! Terraform: root modules (evaluated with their local modules, variables and `terraform init`
//! installs) and plan JSON (`terraform show -json`), optionally with the source that produced
//! the plan for line spans.

use std::collections::HashMap;

use super::{Input, Loaded, Source, SourceError, Sources};
use crate::input::rel_path;
use crate::model::{Resource, SourceKind};
use crate::terraform;

/// Root modules found in the directories scanned.
pub(super) struct Modules<'a> {
    pub sources: &'a Sources,
}

impl Source for Modules<'_> {
    fn detect(&self, input: &Input) -> bool {
        matches!(input, Input::Module(_))
    }

    fn load(&self, input: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        let Input::Module(dir) = input else {
            return Ok(());
        };
        let (root, sources) = (&self.sources.root, self.sources);
        let ev = terraform::load_directory(dir, root, &sources.vars);
        let mut resources = terraform::adapter::adapt(&ev.instances, SourceKind::Terraform);
        let rel = rel_path(root, dir);
        let account = sources
            .root_accounts
            .iter()
            .find(|a| a.roots.is_match(&rel))
            .map(|a| a.account.clone())
            .or(ev.account);
        for r in &mut resources {
            r.account = r.account.take().or_else(|| account.clone());
        }
        into.snapshot.diagnostics.extend(ev.diagnostics);
        into.snapshot.coverage.extend(ev.coverage);
        into.snapshot.resources.extend(resources);
        Ok(())
    }
}

/// The Terraform source a plan was made from (`--plan-source`), evaluated once, when first
/// needed: by each plan for its line spans, and to give live resources their declarations.
pub(super) struct PlanSource<'a> {
    sources: &'a Sources,
    evaluated: std::sync::OnceLock<Option<terraform::Evaluation>>,
}

impl<'a> PlanSource<'a> {
    pub fn new(sources: &'a Sources) -> Self {
        PlanSource {
            sources,
            evaluated: std::sync::OnceLock::new(),
        }
    }

    fn evaluation(&self) -> Option<&terraform::Evaluation> {
        self.evaluated
            .get_or_init(|| {
                let s = self.sources;
                let dir = s.plan_source.as_ref()?;
                Some(terraform::load_directory(dir, &s.root, &s.vars))
            })
            .as_ref()
    }

    /// Gives live resources read beside the source the declarations that manage them.
    pub fn attach_declarations(&self, resources: &mut [Resource]) {
        if !resources.iter().any(|r| r.origin.source == SourceKind::Aws) {
            return;
        }
        if let Some(ev) = self.evaluation() {
            let declared = terraform::adapter::adapt(&ev.instances, SourceKind::Terraform);
            attach(resources, &declared);
        }
    }
}

/// Plan JSON: what a JSON file is when it is nothing more specific.
pub(super) struct Plans<'a> {
    pub source: &'a PlanSource<'a>,
}

impl Source for Plans<'_> {
    fn detect(&self, input: &Input) -> bool {
        matches!(input, Input::File { .. })
    }

    fn load(&self, input: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        let Input::File { path, rel, .. } = input else {
            return Ok(());
        };
        let sources = self.source.sources;
        let mut plan = terraform::plan::load_plan(
            path,
            rel,
            self.source.evaluation().map(|e| e.instances.as_slice()),
        );
        into.snapshot.diagnostics.extend(plan.diagnostics);
        // A plan is one root module: with its source, the resources are those of that root
        // (the same identities a scan of the source gives); alone, of the plan file.
        let root = sources
            .plan_source
            .as_ref()
            .map_or_else(|| rel.to_string(), |d| rel_path(&sources.root, d));
        for i in &mut plan.instances {
            i.root = root.clone();
        }
        into.snapshot.resources.extend(terraform::adapter::adapt(
            &plan.instances,
            SourceKind::TerraformPlan,
        ));
        Ok(())
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
fn attach(live: &mut [Resource], declared: &[Resource]) {
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
    for r in live
        .iter_mut()
        .filter(|r| r.origin.source == SourceKind::Aws)
    {
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
