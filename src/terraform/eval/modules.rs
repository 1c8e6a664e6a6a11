//! Modules: instantiating module calls (local, installed, `count`/`for_each`), the provider's
//! instances, and the account a root is pinned to.

use super::*;

impl Evaluator {
    pub(super) fn instantiate_children(&mut self, m: usize, stack: &mut Vec<PathBuf>) {
        let cfg = self.insts[m].cfg.clone();
        for (call_idx, call) in cfg.modules.iter().enumerate() {
            let span = cfg.span(call.file, &call.range);
            let scope_addr = join_addr(&self.insts[m].address, &format!("module.{}", call.name));
            let key = if self.insts[m].key.is_empty() {
                call.name.clone()
            } else {
                format!("{}.{}", self.insts[m].key, call.name)
            };
            let local = call.source.starts_with("./") || call.source.starts_with("../");
            let dir = if local {
                cfg.dir.join(&call.source)
            } else if let Some(dir) = self.installed.get(&key).filter(|d| {
                // A registry or git module, where `terraform init` put it: under the root
                // module, never elsewhere on the machine.
                crate::input::inside_root(&self.root_dir, &self.root_dir.join(d)).is_ok()
            }) {
                self.root_dir.join(dir)
            } else {
                self.coverage.borrow_mut().push(CoverageEntry {
                    status: CoverageStatus::Error,
                    scope: scope_addr.clone(),
                    detail: format!(
                        "module source {:?} is not a local path and `terraform init` has not installed it (.terraform/modules/modules.json): its resources are not scanned",
                        crate::model::excerpt(&call.source)
                    ),
                    resource_types: Vec::new(),
                    span: Some(span),
                });
                self.insts[m]
                    .children
                    .insert(call.name.clone(), Child::Unresolved);
                continue;
            };
            let canonical = match dir.canonicalize() {
                Ok(c) if c.is_dir() => c,
                _ => {
                    self.diag(
                        DiagnosticLevel::Error,
                        format!(
                            "module {scope_addr}: source {:?} is not a directory",
                            call.source
                        ),
                        Some(span),
                    );
                    self.insts[m]
                        .children
                        .insert(call.name.clone(), Child::Unresolved);
                    continue;
                }
            };
            if stack.contains(&canonical) || stack.len() >= MAX_MODULE_DEPTH {
                self.diag(
                    DiagnosticLevel::Error,
                    format!("module {scope_addr}: module calls form a cycle or nest too deeply"),
                    Some(span),
                );
                self.insts[m]
                    .children
                    .insert(call.name.clone(), Child::Unresolved);
                continue;
            }
            let child_cfg = match self.configs.get(&canonical) {
                Some(c) => c.clone(),
                None => {
                    let mut diags = Vec::new();
                    let c = Rc::new(load_module_dir(&canonical, &self.scan_root, &mut diags));
                    self.diags.borrow_mut().extend(diags);
                    self.configs.insert(canonical.clone(), c.clone());
                    c
                }
            };
            let scope = Scope::module(m);
            let expansion = self.expansion(&call.body, &scope, &scope_addr, &span);
            let mut make = |ev: &mut Evaluator, index: Option<Val>, count, each| {
                let address = format!(
                    "{scope_addr}{}",
                    index.as_ref().map(key_suffix).unwrap_or_default()
                );
                ev.insts.push(Inst {
                    cfg: child_cfg.clone(),
                    address,
                    key: key.clone(),
                    call: Some(CallRef {
                        parent: m,
                        call_idx,
                        count,
                        each,
                    }),
                    children: BTreeMap::new(),
                });
                let idx = ev.insts.len() - 1;
                stack.push(canonical.clone());
                ev.instantiate_children(idx, stack);
                stack.pop();
                idx
            };
            let child = match expansion {
                Expansion::Single => Child::Single(make(self, None, None, None)),
                // Which instances exist is unknown: one instance stands for them, with
                // `count.index` / `each` unknown rather than undefined.
                Expansion::Count(None) => {
                    let index = Val::unknown(format!("count.index of {scope_addr}"));
                    Child::Single(make(self, None, Some(index), None))
                }
                Expansion::ForEach(None) => {
                    let each = unknown_each(&scope_addr);
                    Child::Single(make(self, None, None, Some(each)))
                }
                Expansion::Count(Some(0)) | Expansion::ForEach(Some(_))
                    if expansion_is_empty(&expansion) =>
                {
                    self.note_no_instances(scope_addr.clone(), span.clone());
                    match expansion {
                        Expansion::Count(_) => Child::List(Vec::new()),
                        _ => Child::Map(BTreeMap::new()),
                    }
                }
                Expansion::Count(Some(n)) => Child::List(
                    (0..n)
                        .map(|i| {
                            let index = Val::Num(i as f64);
                            make(self, Some(index.clone()), Some(index), None)
                        })
                        .collect(),
                ),
                Expansion::ForEach(Some(items)) => Child::Map(
                    items
                        .into_iter()
                        .map(|(k, v)| {
                            let each = Rc::new((Val::Str(k.clone()), v));
                            (k.clone(), make(self, Some(Val::Str(k)), None, Some(each)))
                        })
                        .collect(),
                ),
            };
            self.insts[m].children.insert(call.name.clone(), child);
        }
    }

    /// A block (or module call) whose `count` or `for_each` gives no instance: read, and
    /// nothing to judge. Recorded so that what was read and what was judged add up.
    pub(super) fn note_no_instances(&self, address: String, span: Span) {
        self.coverage.borrow_mut().push(CoverageEntry {
            status: CoverageStatus::Ok,
            scope: address,
            detail: "no instances (count or for_each gives none)".into(),
            resource_types: Vec::new(),
            span: Some(span),
        });
    }

    /// The root module's `provider "aws"` blocks as instances of `aws_provider`
    /// (`provider.aws`, `provider.aws.<alias>`), so rules can judge what they hold (credentials
    /// written in the configuration).
    pub(super) fn provider_instances(&self) -> Vec<RawInstance> {
        let cfg = &self.insts[0].cfg;
        let scope = Scope::module(0);
        cfg.aws_providers
            .iter()
            .map(|p| {
                let span = cfg.span(p.file, &p.range);
                let mut attr_spans = BTreeMap::new();
                let mut refs = BTreeMap::new();
                let mut values = Val::Map(self.eval_body(
                    &p.body,
                    &scope,
                    cfg,
                    p.file,
                    "",
                    &mut attr_spans,
                    Some(&mut refs),
                ));
                crate::terraform::secrets::mark("aws_provider", &mut values);
                let alias = values
                    .as_map()
                    .and_then(|m| m.get("alias"))
                    .and_then(Val::as_label);
                let address = match &alias {
                    Some(a) => format!("provider.aws.{a}"),
                    None => "provider.aws".to_string(),
                };
                RawInstance {
                    address,
                    module_address: String::new(),
                    mode: Mode::Managed,
                    rtype: "aws_provider".into(),
                    name: alias.unwrap_or_else(|| "aws".into()),
                    key: None,
                    values,
                    attr_spans,
                    directives: directives_in(cfg, p.file, &span),
                    span,
                    refs,
                    root: String::new(),
                    literals: self.literal_paths(&p.body, &scope),
                }
            })
            .collect()
    }

    /// The one account every `provider "aws"` block of the root module allows, if they agree.
    pub(super) fn pinned_account(&self) -> Option<String> {
        let root = &self.insts[0].cfg;
        let mut accounts = root.aws_providers.iter().map(|body| {
            let ids = self.eval(
                &body.body.get_attribute("allowed_account_ids")?.value,
                &Scope::module(0),
            );
            match ids.as_list()? {
                [one] => one.as_string(),
                _ => None,
            }
        });
        let first = accounts.next()??;
        accounts
            .all(|a| a.as_deref() == Some(first.as_str()))
            .then_some(first)
    }

    fn diag(&self, level: DiagnosticLevel, message: String, span: Option<Span>) {
        self.diags.borrow_mut().push(Diagnostic {
            level,
            message,
            span,
            column: None,
        });
    }

    /// Decides how many instances a block has from its `count` / `for_each`.
    pub(super) fn expansion(
        &self,
        body: &Body,
        scope: &Scope,
        addr: &str,
        span: &Span,
    ) -> Expansion {
        if let Some(a) = body.get_attribute("count") {
            let v = self.eval(&a.value, scope);
            return match v.as_f64() {
                Some(n) if n >= 0.0 && (n as usize) <= MAX_INSTANCES => {
                    Expansion::Count(Some(n as usize))
                }
                _ => {
                    self.diag(
                        DiagnosticLevel::Warning,
                        format!(
                            "{addr}: count is not known ({}); scanned as one instance",
                            describe(&v)
                        ),
                        Some(span.clone()),
                    );
                    Expansion::Count(None)
                }
            };
        }
        if let Some(a) = body.get_attribute("for_each") {
            let v = self.eval(&a.value, scope);
            if matches!(v, Val::Sensitive(_)) {
                // Its keys would be in addresses: Terraform refuses this, and rampart does not
                // write a secret into an address.
                self.diag(
                    DiagnosticLevel::Error,
                    format!("{addr}: for_each is sensitive, which Terraform refuses; scanned as one instance"),
                    Some(span.clone()),
                );
                return Expansion::ForEach(None);
            }
            let items: Option<Vec<(String, Val)>> = match v.plain() {
                Val::Map(m) => Some(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
                Val::List(l) => l
                    .iter()
                    .map(|x| x.as_string().map(|s| (s.clone(), Val::Str(s))))
                    .collect(),
                _ => None,
            };
            return match items {
                Some(items) if items.len() <= MAX_INSTANCES => {
                    let mut items = items;
                    items.sort_by(|a, b| a.0.cmp(&b.0));
                    items.dedup_by(|a, b| a.0 == b.0);
                    Expansion::ForEach(Some(items))
                }
                _ => {
                    self.diag(
                        DiagnosticLevel::Warning,
                        format!(
                            "{addr}: for_each is not known ({}); scanned as one instance",
                            describe(&v)
                        ),
                        Some(span.clone()),
                    );
                    Expansion::ForEach(None)
                }
            };
        }
        Expansion::Single
    }
}
