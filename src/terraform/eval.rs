//! Evaluates a Terraform configuration the way `terraform plan` would, as far as it can without
//! providers: variables, locals, `count`, `for_each`, `dynamic` blocks, templates, functions,
//! references between resources, data sources and local modules.
//!
//! Evaluation is lazy and memoized: a reference evaluates what it points at on first use, so
//! declaration order does not matter. Whatever cannot be evaluated becomes [`Val::Unknown`] with the
//! reason, never a crash: values known only after apply name the attribute they refer to
//! (`aws_kms_key.records.arn`), evaluation errors start with `error:`.

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::config::{load_module_dir, FileId, Mode, ModuleConfig, ResourceBlock};
use super::functions;
use super::value::{values_equal, Val, ADDRESS_KEY};
use crate::model::{CoverageEntry, CoverageStatus, Diagnostic, DiagnosticLevel, Span};

/// Deeper expressions than this are left unknown (protects the stack from hostile input).
const MAX_DEPTH: u32 = 256;
/// Module nesting deeper than this is not followed.
const MAX_MODULE_DEPTH: usize = 32;
/// `count` / `for_each` larger than this is not expanded.
const MAX_INSTANCES: usize = 10_000;

/// One evaluated resource or data source instance.
#[derive(Debug, Clone)]
pub struct RawInstance {
    /// Full address, e.g. `module.net.aws_subnet.private["a"]`.
    pub address: String,
    /// `""` for the root module, else e.g. `module.net` or `module.net[0]`.
    pub module_address: String,
    pub mode: Mode,
    pub rtype: String,
    pub name: String,
    /// The `count` index or `for_each` key, for an expanded block.
    pub key: Option<Val>,
    /// Attributes, nested blocks as lists of objects.
    pub values: Val,
    /// Span of each attribute and nested block, by dotted path (`versioning.0.enabled`).
    pub attr_spans: BTreeMap<String, Span>,
    pub span: Span,
    /// Lines of the block that carry a `rampart:` comment, with their line numbers.
    pub directives: Vec<(u32, String)>,
    /// The resources each attribute's expression refers to (`role = aws_iam_role.app.name`
    /// refers to `aws_iam_role.app`), by attribute path (`roles.0` for a list element), as
    /// addresses within the root module: joins follow these rather than evaluated names, which
    /// may be known only after apply.
    pub refs: BTreeMap<String, Vec<String>>,
    /// The root module the instance was evaluated in, relative to the scan root (`.` for the scan
    /// root itself), or the plan file it was read from.
    pub root: String,
    /// Attributes (`name`, `block.N.name`) whose value is written in the configuration itself:
    /// a constant, or a variable whose value is its default (in the root module, or passed a
    /// constant by the module call). A secret there is a secret kept in the repository.
    pub literals: std::collections::BTreeSet<String>,
}

impl RawInstance {
    /// The instance's identity in a snapshot: its address, after the root module it was
    /// evaluated in (unless that is the scan root), so that two roots declaring the same address
    /// stay two resources.
    pub fn uid(&self) -> String {
        uid_in_root(&self.root, &self.address)
    }
}

/// `envs/prod:aws_security_group.web`; the address alone in the root module at the scan root.
pub fn uid_in_root(root: &str, address: &str) -> String {
    if root.is_empty() || root == "." {
        address.to_string()
    } else {
        format!("{root}:{address}")
    }
}

/// Values for the root module's variables, in Terraform's precedence order already applied.
#[derive(Debug, Default)]
pub struct RootVars {
    pub values: BTreeMap<String, Val>,
    /// The variables whose value came from a `.tfvars` file: written in the configuration, as
    /// opposed to `--var` and `TF_VAR_` values given when the scan runs.
    pub from_files: std::collections::BTreeSet<String>,
}

pub struct Evaluation {
    pub instances: Vec<RawInstance>,
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Vec<CoverageEntry>,
    /// The AWS account the root module is pinned to (`allowed_account_ids` naming one account in
    /// every `provider "aws"` block), when it is.
    pub account: Option<String>,
}

/// Evaluates the root module in `root_dir`; paths in spans are relative to `scan_root`.
pub fn evaluate(root_dir: &Path, scan_root: &Path, root_vars: RootVars) -> Evaluation {
    let mut diags = Vec::new();
    let cfg = Rc::new(load_module_dir(root_dir, scan_root, &mut diags));
    let mut ev = Evaluator::new(cfg, root_dir, scan_root, root_vars);
    ev.diags.borrow_mut().extend(diags);
    let canonical = root_dir.canonicalize().unwrap_or(root_dir.to_path_buf());
    ev.instantiate_children(0, &mut vec![canonical]);

    let mut instances = Vec::new();
    for m in 0..ev.insts.len() {
        for idx in 0..ev.insts[m].cfg.resources.len() {
            let found = ev.resource_instances(m, idx);
            if found.is_empty() {
                // Read, and evaluated to no instance: accounted for, not lost.
                let inst = &ev.insts[m];
                let block = &inst.cfg.resources[idx];
                ev.note_no_instances(
                    join_addr(&inst.address, &block.local_address()),
                    inst.cfg.span(block.file, &block.range),
                );
            }
            instances.extend(found.iter().cloned());
        }
    }
    instances.extend(ev.provider_instances());
    let account = ev.pinned_account();
    Evaluation {
        instances,
        diagnostics: ev.diags.into_inner(),
        coverage: ev.coverage.into_inner(),
        account,
    }
}

/// The evaluated instances of one resource block, shared between references.
type Instances = Rc<Vec<RawInstance>>;

/// Evaluates an expression that may not refer to anything (a `.tfvars` value, a `--var`).
pub fn evaluate_constant(e: &Expression) -> Val {
    let ev = Evaluator::new(
        Rc::default(),
        Path::new(""),
        Path::new(""),
        RootVars::default(),
    );
    ev.eval(e, &Scope::module(0))
}

/// A module instance.
struct Inst {
    cfg: Rc<ModuleConfig>,
    address: String,
    /// The module's key in `terraform init`'s manifest: call names joined by `.` (`vpc.subnets`).
    key: String,
    call: Option<CallRef>,
    children: BTreeMap<String, Child>,
}

/// How a module instance was called: where its input variables are evaluated.
struct CallRef {
    parent: usize,
    call_idx: usize,
    count: Option<Val>,
    each: Option<Rc<(Val, Val)>>,
}

enum Child {
    Single(usize),
    List(Vec<usize>),
    Map(BTreeMap<String, usize>),
    Unresolved,
}

#[derive(Clone)]
struct Scope {
    m: usize,
    /// `count.index`: a number, or unknown when the count is.
    count: Option<Val>,
    each: Option<Rc<(Val, Val)>>,
    /// For-expression and dynamic-block iterator variables, innermost last.
    vars: Vec<(String, Val)>,
}

impl Scope {
    fn module(m: usize) -> Scope {
        Scope {
            m,
            count: None,
            each: None,
            vars: Vec::new(),
        }
    }

    fn with_var(&self, name: &str, v: Val) -> Scope {
        let mut s = self.clone();
        s.vars.push((name.to_string(), v));
        s
    }
}

/// How a block's instances are keyed.
enum Expansion {
    Single,
    Count(Option<usize>),
    ForEach(Option<Vec<(String, Val)>>),
}

struct Evaluator {
    insts: Vec<Inst>,
    root_dir: PathBuf,
    configs: HashMap<PathBuf, Rc<ModuleConfig>>,
    /// Where `terraform init` put each module that is not a local path, by module key.
    installed: HashMap<String, PathBuf>,
    root_vars: RootVars,
    scan_root: PathBuf,
    /// Variables, locals and outputs by (module instance, `var.x` / `local.x` / `output.x`);
    /// `None` while being evaluated (a cycle reads it as unknown).
    memo: RefCell<HashMap<(usize, String), Option<Val>>>,
    res_memo: RefCell<HashMap<(usize, usize), Option<Instances>>>,
    diags: RefCell<Vec<Diagnostic>>,
    coverage: RefCell<Vec<CoverageEntry>>,
    depth: Cell<u32>,
    /// Whether the expression being evaluated has read a secret (see [`Evaluator::eval`]).
    tainted: Cell<bool>,
    /// While a resource attribute is evaluated: the resources its expression names directly.
    refs: RefCell<Option<Vec<String>>>,
}

fn err(msg: impl std::fmt::Display) -> Val {
    Val::Unknown(format!("error: {msg}"))
}
fn join_addr(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_string()
    } else {
        format!("{prefix}.{rest}")
    }
}

fn key_suffix(key: &Val) -> String {
    match key {
        Val::Num(n) => format!("[{}]", super::value::format_number(*n)),
        Val::Str(s) => format!("[{s:?}]"),
        _ => String::new(),
    }
}

impl Evaluator {
    fn new(root: Rc<ModuleConfig>, root_dir: &Path, scan_root: &Path, root_vars: RootVars) -> Self {
        Evaluator {
            insts: vec![Inst {
                cfg: root,
                address: String::new(),
                key: String::new(),
                call: None,
                children: BTreeMap::new(),
            }],
            root_dir: root_dir.to_path_buf(),
            configs: HashMap::new(),
            installed: installed_modules(root_dir),
            root_vars,
            scan_root: scan_root.to_path_buf(),
            memo: RefCell::new(HashMap::new()),
            res_memo: RefCell::new(HashMap::new()),
            diags: RefCell::new(Vec::new()),
            coverage: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            tainted: Cell::new(false),
            refs: RefCell::new(None),
        }
    }

    /// Runs `f` with references recorded into a fresh list (`Some`) or not at all (`None`);
    /// the caller's list is restored afterwards.
    fn with_refs<T>(&self, collect: bool, f: impl FnOnce() -> T) -> (T, Vec<String>) {
        let saved = self.refs.replace(collect.then(Vec::new));
        let out = f();
        let mine = std::mem::replace(&mut *self.refs.borrow_mut(), saved);
        (out, mine.unwrap_or_default())
    }

    /// Notes a reference to a resource block (and instance, when indexed by a known key).
    fn note_ref(&self, m: usize, local: String, ops: &[&TraversalOperator], scope: &Scope) {
        if self.refs.borrow().is_none() {
            return;
        }
        let mut address = join_addr(&self.insts[m].address, &local);
        if let Some(TraversalOperator::Index(e)) = ops.first() {
            let (k, _) = self.with_refs(false, || self.eval(e, scope));
            address.push_str(&key_suffix(k.plain()));
        } else if let Some(TraversalOperator::LegacyIndex(n)) = ops.first() {
            address.push_str(&key_suffix(&Val::Num(*n.value() as f64)));
        }
        if let Some(list) = self.refs.borrow_mut().as_mut() {
            list.push(address);
        }
    }

    // ---------------------------------------------------------------- modules

    fn instantiate_children(&mut self, m: usize, stack: &mut Vec<PathBuf>) {
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
    fn note_no_instances(&self, address: String, span: Span) {
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
    fn provider_instances(&self) -> Vec<RawInstance> {
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
                super::secrets::mark("aws_provider", &mut values);
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
    fn pinned_account(&self) -> Option<String> {
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
    fn expansion(&self, body: &Body, scope: &Scope, addr: &str, span: &Span) -> Expansion {
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

    // ---------------------------------------------------------------- named values

    fn memoized(&self, m: usize, key: String, f: impl FnOnce() -> Val) -> Val {
        match self.memo.borrow().get(&(m, key.clone())) {
            Some(Some(v)) => return v.clone(),
            Some(None) => return err(format!("{key} refers to itself")),
            None => {}
        }
        self.memo.borrow_mut().insert((m, key.clone()), None);
        // What a variable or local refers to is not what the expression reading it names, and
        // its value carries its own mark if it is a secret.
        let outer = self.tainted.replace(false);
        let (v, _) = self.with_refs(false, f);
        self.tainted.set(outer);
        self.memo.borrow_mut().insert((m, key), Some(v.clone()));
        v
    }

    fn variable(&self, m: usize, name: &str) -> Val {
        self.memoized(m, format!("var.{name}"), || {
            let inst = &self.insts[m];
            let decl = inst.cfg.variables.get(name);
            let given = match &inst.call {
                None => self.root_vars.values.get(name).cloned(),
                Some(call) => {
                    let parent = &self.insts[call.parent];
                    let body = &parent.cfg.modules[call.call_idx].body;
                    body.get_attribute(name).map(|a| {
                        let scope = Scope {
                            m: call.parent,
                            count: call.count.clone(),
                            each: call.each.clone(),
                            vars: Vec::new(),
                        };
                        self.eval(&a.value, &scope)
                    })
                }
            };
            let Some(decl) = decl else {
                return err(format!("variable {name:?} is not declared"));
            };
            let value = match given {
                Some(v) if !matches!(v, Val::Null) => v,
                _ => match &decl.default {
                    Some(d) => self.eval(d, &Scope::module(m)),
                    None => Val::unknown(format!("var.{name}")),
                },
            };
            let value = match &decl.type_expr {
                Some(t) => self.convert_to_type(value, t, m),
                None => value,
            };
            if decl.sensitive {
                Val::Sensitive(Box::new(value))
            } else {
                value
            }
        })
    }

    /// Converts a variable's value to its type constraint as Terraform does: primitive
    /// conversions, collections element by element, and object types with their `optional()`
    /// attributes (missing or null ones take the default given, recursively).
    fn convert_to_type(&self, v: Val, t: &Expression, m: usize) -> Val {
        if let Val::Sensitive(inner) = v {
            return Val::Sensitive(Box::new(self.convert_to_type(*inner, t, m)));
        }
        if v.is_unknown() {
            return v;
        }
        match t {
            Expression::Parenthesis(p) => self.convert_to_type(v, p.inner(), m),
            Expression::Variable(name) => match (name.as_str(), &v) {
                ("number", Val::Str(_)) => v.as_f64().map(Val::Num).unwrap_or(v),
                ("bool", Val::Str(_)) => v.as_bool().map(Val::Bool).unwrap_or(v),
                ("string", Val::Num(_) | Val::Bool(_)) => v.as_string().map(Val::Str).unwrap_or(v),
                _ => v,
            },
            Expression::FuncCall(f) => {
                let args: Vec<&Expression> = f.args.iter().collect();
                match (f.name.name.as_str(), args.as_slice(), v) {
                    ("list" | "set", [elem], Val::List(items)) => Val::List(
                        items
                            .into_iter()
                            .map(|x| self.convert_to_type(x, elem, m))
                            .collect(),
                    ),
                    ("map", [elem], Val::Map(items)) => Val::Map(
                        items
                            .into_iter()
                            .map(|(k, x)| (k, self.convert_to_type(x, elem, m)))
                            .collect(),
                    ),
                    ("tuple", [Expression::Array(types)], Val::List(items)) => Val::List(
                        items
                            .into_iter()
                            .zip(types.iter().map(Some).chain(std::iter::repeat(None)))
                            .map(|(x, t)| match t {
                                Some(t) => self.convert_to_type(x, t, m),
                                None => x,
                            })
                            .collect(),
                    ),
                    ("object", [Expression::Object(attrs)], Val::Map(mut given)) => {
                        let mut out = BTreeMap::new();
                        for (k, at) in attrs.iter() {
                            let key = match k {
                                ObjectKey::Ident(id) => id.as_str().to_string(),
                                ObjectKey::Expression(Expression::Variable(id)) => {
                                    id.as_str().to_string()
                                }
                                ObjectKey::Expression(e) => {
                                    match self.eval(e, &Scope::module(m)).as_string() {
                                        Some(s) => s,
                                        None => continue,
                                    }
                                }
                            };
                            let value = given.remove(&key).unwrap_or(Val::Null);
                            out.insert(key, self.convert_attribute(value, at.expr(), m));
                        }
                        Val::Map(out)
                    }
                    (_, _, v) => v,
                }
            }
            _ => v,
        }
    }

    /// One attribute of an object type: `optional(T)` or `optional(T, default)`, or a type.
    fn convert_attribute(&self, v: Val, t: &Expression, m: usize) -> Val {
        let Expression::FuncCall(f) = t else {
            return self.convert_to_type(v, t, m);
        };
        if f.name.name.as_str() != "optional" {
            return self.convert_to_type(v, t, m);
        }
        let args: Vec<&Expression> = f.args.iter().collect();
        let Some(inner) = args.first() else {
            return v;
        };
        let v = match (v, args.get(1)) {
            (Val::Null, Some(default)) => self.eval(default, &Scope::module(m)),
            (v, _) => v,
        };
        if matches!(v, Val::Null) {
            return v;
        }
        self.convert_to_type(v, inner, m)
    }

    fn local(&self, m: usize, name: &str) -> Val {
        self.memoized(m, format!("local.{name}"), || {
            match self.insts[m].cfg.locals.get(name) {
                Some((e, _)) => self.eval(e, &Scope::module(m)),
                None => err(format!("local.{name} is not declared")),
            }
        })
    }

    fn output(&self, m: usize, name: &str) -> Val {
        self.memoized(m, format!("output.{name}"), || {
            match self.insts[m].cfg.outputs.get(name) {
                Some(o) if o.sensitive => {
                    Val::Sensitive(Box::new(self.eval(&o.value, &Scope::module(m))))
                }
                Some(o) => self.eval(&o.value, &Scope::module(m)),
                None => err(format!("output {name:?} is not declared")),
            }
        })
    }

    fn module_outputs(&self, m: usize) -> Val {
        let names: Vec<String> = self.insts[m].cfg.outputs.keys().cloned().collect();
        Val::Map(
            names
                .into_iter()
                .map(|n| (n.clone(), self.output(m, &n)))
                .collect(),
        )
    }

    // ---------------------------------------------------------------- resources

    fn find_resource(&self, m: usize, mode: Mode, rtype: &str, name: &str) -> Option<usize> {
        self.insts[m]
            .cfg
            .resources
            .iter()
            .position(|r| r.mode == mode && r.rtype == rtype && r.name == name)
    }

    /// All instances of one block, evaluated once.
    fn resource_instances(&self, m: usize, idx: usize) -> Rc<Vec<RawInstance>> {
        match self.res_memo.borrow().get(&(m, idx)) {
            Some(Some(v)) => return v.clone(),
            Some(None) => return Rc::new(Vec::new()),
            None => {}
        }
        self.res_memo.borrow_mut().insert((m, idx), None);
        let outer = self.tainted.replace(false);
        let (insts, _) = self.with_refs(false, || Rc::new(self.expand_resource(m, idx)));
        self.tainted.set(outer);
        self.res_memo
            .borrow_mut()
            .insert((m, idx), Some(insts.clone()));
        insts
    }

    fn expand_resource(&self, m: usize, idx: usize) -> Vec<RawInstance> {
        let inst = &self.insts[m];
        let cfg = &inst.cfg;
        let block: &ResourceBlock = &cfg.resources[idx];
        let base = join_addr(&inst.address, &block.local_address());
        let span = cfg.span(block.file, &block.range);
        let scope = Scope::module(m);
        let keys: Vec<(Option<Val>, Scope)> =
            match self.expansion(&block.body, &scope, &base, &span) {
                Expansion::Single => vec![(None, scope)],
                Expansion::Count(None) => {
                    let mut s = scope.clone();
                    s.count = Some(Val::unknown(format!("count.index of {base}")));
                    vec![(None, s)]
                }
                Expansion::ForEach(None) => {
                    let mut s = scope.clone();
                    s.each = Some(unknown_each(&base));
                    vec![(None, s)]
                }
                Expansion::Count(Some(n)) => (0..n)
                    .map(|i| {
                        let mut s = scope.clone();
                        s.count = Some(Val::Num(i as f64));
                        (Some(Val::Num(i as f64)), s)
                    })
                    .collect(),
                Expansion::ForEach(Some(items)) => items
                    .into_iter()
                    .map(|(k, v)| {
                        let mut s = scope.clone();
                        s.each = Some(Rc::new((Val::Str(k.clone()), v)));
                        (Some(Val::Str(k)), s)
                    })
                    .collect(),
            };
        let directives = directives_in(cfg, block.file, &span);
        keys.into_iter()
            .map(|(key, scope)| {
                let address = format!("{base}{}", key.as_ref().map(key_suffix).unwrap_or_default());
                let mut attr_spans = BTreeMap::new();
                let mut refs = BTreeMap::new();
                let mut values = Val::Map(self.eval_body(
                    &block.body,
                    &scope,
                    cfg,
                    block.file,
                    "",
                    &mut attr_spans,
                    Some(&mut refs),
                ));
                super::secrets::mark(&block.rtype, &mut values);
                RawInstance {
                    address,
                    module_address: inst.address.clone(),
                    mode: block.mode,
                    rtype: block.rtype.clone(),
                    name: block.name.clone(),
                    key,
                    values,
                    attr_spans,
                    span: span.clone(),
                    directives: directives.clone(),
                    refs,
                    root: String::new(),
                    literals: self.literal_paths(&block.body, &scope),
                }
            })
            .collect()
    }

    /// The attributes of a body (nested blocks included, as `block.N.attribute`) whose values
    /// are written in the configuration itself.
    fn literal_paths(&self, body: &Body, scope: &Scope) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        self.collect_literals(body, scope, "", &mut out);
        out
    }

    fn collect_literals(
        &self,
        body: &Body,
        scope: &Scope,
        prefix: &str,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => self.collect_written(
                    &a.value,
                    scope,
                    &format!("{prefix}{}", a.key.as_str()),
                    out,
                ),
                Structure::Block(b) if b.ident.as_str() != "dynamic" => {
                    let name = b.ident.as_str();
                    let i = seen.entry(name).or_default();
                    self.collect_literals(&b.body, scope, &format!("{prefix}{name}.{i}."), out);
                    *i += 1;
                }
                _ => {}
            }
        }
    }

    /// `path` when the value is written here, else the keys of an object constructor that are
    /// (`variables = { TOKEN = "…", URL = local.url }` writes `variables.TOKEN`).
    fn collect_written(
        &self,
        e: &Expression,
        scope: &Scope,
        path: &str,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        if self.written_here(e, scope) {
            out.insert(path.to_string());
        } else if let Expression::Object(o) = e {
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(id) | ObjectKey::Expression(Expression::Variable(id)) => {
                        id.as_str().to_string()
                    }
                    ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                    ObjectKey::Expression(_) => continue,
                };
                self.collect_written(v.expr(), scope, &format!("{path}.{key}"), out);
            }
        }
    }

    /// Whether an expression's value is written in the configuration: a constant, or a
    /// variable whose default (or the constant a module call passes it) is its value.
    fn written_here(&self, e: &Expression, scope: &Scope) -> bool {
        if is_constant(e) {
            return true;
        }
        let Expression::Traversal(t) = e else {
            return false;
        };
        let (Expression::Variable(root), [op]) = (&t.expr, t.operators.as_slice()) else {
            return false;
        };
        let TraversalOperator::GetAttr(name) = op.value() else {
            return false;
        };
        if root.as_str() != "var" {
            return false;
        }
        let inst = &self.insts[scope.m];
        // Unset, the variable takes its default: a value written in the configuration when
        // there is one; without one the value arrives at apply time.
        let has_default = || {
            inst.cfg.variables.get(name.as_str()).is_some_and(|v| {
                v.default
                    .as_ref()
                    .is_some_and(|d| !matches!(d, Expression::Null(_)))
            })
        };
        match &inst.call {
            None => match self.root_vars.values.contains_key(name.as_str()) {
                true => self.root_vars.from_files.contains(name.as_str()),
                false => has_default(),
            },
            Some(call) => {
                let parent = &self.insts[call.parent];
                match parent.cfg.modules[call.call_idx]
                    .body
                    .get_attribute(name.as_str())
                {
                    None => has_default(),
                    Some(a) => self.written_here(&a.value, &Scope::module(call.parent)),
                }
            }
        }
    }

    /// The value a reference to a resource block evaluates to: one object, a list (count) or a
    /// map (for_each) of instance objects.
    fn resource_value(&self, m: usize, mode: Mode, rtype: &str, name: &str) -> Val {
        let Some(idx) = self.find_resource(m, mode, rtype, name) else {
            let kind = if mode == Mode::Data { "data." } else { "" };
            return err(format!(
                "reference to undeclared resource {kind}{rtype}.{name}"
            ));
        };
        let block = &self.insts[m].cfg.resources[idx];
        let insts = self.resource_instances(m, idx);
        let object = |ri: &RawInstance| {
            let mut map = ri.values.as_map().cloned().unwrap_or_default();
            map.insert(ADDRESS_KEY.into(), Val::Str(ri.address.clone()));
            computed_attributes(&ri.rtype, &mut map);
            if ri.mode == Mode::Data && ri.rtype == "aws_iam_policy_document" {
                map.insert("json".into(), super::policy_document::render(&ri.values));
            }
            Val::Map(map)
        };
        let expanded = insts.iter().all(|ri| ri.key.is_some());
        let has = |meta: &str| block.body.get_attribute(meta).is_some();
        // No instances while the block is still being evaluated (it refers to itself), or a
        // count / for_each that could not be evaluated: which instances exist is unknown.
        if insts.is_empty() || ((has("count") || has("for_each")) && !expanded) {
            let base = join_addr(&self.insts[m].address, &block.local_address());
            return Val::unknown(base);
        }
        if has("count") {
            Val::List(insts.iter().map(object).collect())
        } else if has("for_each") {
            Val::Map(
                insts
                    .iter()
                    .filter_map(|ri| Some((ri.key.as_ref()?.as_string()?, object(ri))))
                    .collect(),
            )
        } else {
            object(&insts[0])
        }
    }

    // ---------------------------------------------------------------- bodies

    /// Evaluates a block body into an object; nested blocks become lists of objects under their
    /// name. Records the span of each attribute and block by dotted path. For a resource's own
    /// body (`refs` given), also what each top-level attribute, and each element of a list
    /// written out, refers to.
    #[allow(clippy::too_many_arguments)]
    fn eval_body(
        &self,
        body: &Body,
        scope: &Scope,
        cfg: &ModuleConfig,
        file: FileId,
        prefix: &str,
        spans: &mut BTreeMap<String, Span>,
        mut refs: Option<&mut BTreeMap<String, Vec<String>>>,
    ) -> BTreeMap<String, Val> {
        let top = refs.is_some();
        let mut out: BTreeMap<String, Val> = BTreeMap::new();
        let path = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if top && matches!(key, "count" | "for_each" | "provider" | "depends_on") {
                        continue;
                    }
                    let v = match (refs.as_deref_mut(), &a.value) {
                        (Some(refs), Expression::Array(items)) => {
                            let mut all = Vec::new();
                            let list = items
                                .iter()
                                .enumerate()
                                .map(|(i, item)| {
                                    let (v, r) = self.with_refs(true, || self.eval(item, scope));
                                    if !r.is_empty() {
                                        all.extend(r.iter().cloned());
                                        refs.insert(format!("{key}.{i}"), r);
                                    }
                                    v
                                })
                                .collect();
                            if !all.is_empty() {
                                refs.insert(key.to_string(), all);
                            }
                            Val::List(list)
                        }
                        (Some(refs), e) => {
                            let (v, r) = self.with_refs(true, || self.eval(e, scope));
                            if !r.is_empty() {
                                refs.insert(key.to_string(), r);
                            }
                            v
                        }
                        (None, e) => self.eval(e, scope),
                    };
                    if let Some(r) = a.span() {
                        spans.insert(path(key), cfg.files[file].span_of(&r));
                    }
                    out.insert(key.to_string(), v);
                }
                Structure::Block(b) => {
                    let name = b.ident.as_str();
                    if top && matches!(name, "lifecycle" | "provisioner" | "connection") {
                        continue;
                    }
                    if name == "dynamic" {
                        self.eval_dynamic(b, scope, cfg, file, prefix, spans, &mut out);
                        continue;
                    }
                    let list = out
                        .entry(name.to_string())
                        .or_insert_with(|| Val::List(Vec::new()));
                    let i = list.as_list().map_or(0, |l| l.len());
                    let sub = path(&format!("{name}.{i}"));
                    if let Some(r) = b.span() {
                        let sp = cfg.files[file].span_of(&r);
                        spans.entry(path(name)).or_insert_with(|| sp.clone());
                        spans.insert(sub.clone(), sp);
                    }
                    let v = Val::Map(self.eval_body(&b.body, scope, cfg, file, &sub, spans, None));
                    if let Val::List(l) = list {
                        l.push(v);
                    }
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_dynamic(
        &self,
        b: &hcl_edit::structure::Block,
        scope: &Scope,
        cfg: &ModuleConfig,
        file: FileId,
        prefix: &str,
        spans: &mut BTreeMap<String, Span>,
        out: &mut BTreeMap<String, Val>,
    ) {
        let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
            return;
        };
        let iterator = match b.body.get_attribute("iterator").map(|a| &a.value) {
            Some(Expression::Variable(v)) => v.as_str().to_string(),
            _ => name.clone(),
        };
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if let Some(r) = b.span() {
            spans
                .entry(path.clone())
                .or_insert_with(|| cfg.files[file].span_of(&r));
        }
        let collection = b
            .body
            .get_attribute("for_each")
            .map(|a| self.eval(&a.value, scope))
            .unwrap_or(Val::Null);
        let items: Vec<(Val, Val)> = match (entries(&collection), collection.plain()) {
            (Some(items), _) => items,
            (None, Val::Null) => Vec::new(),
            (None, other) => {
                out.insert(
                    name.clone(),
                    Val::unknown(format!("dynamic {name}: for_each is {}", describe(other))),
                );
                return;
            }
        };
        let Some(content) = b.body.get_blocks("content").next() else {
            return;
        };
        for (k, v) in items {
            let mut it = BTreeMap::new();
            it.insert("key".to_string(), k);
            it.insert("value".to_string(), v);
            let s = scope.with_var(&iterator, Val::Map(it));
            let entry = out
                .entry(name.clone())
                .or_insert_with(|| Val::List(Vec::new()));
            let Val::List(list) = entry else { return };
            let i = list.len();
            let sub = format!("{path}.{i}");
            if let Some(r) = b.span() {
                spans.insert(sub.clone(), cfg.files[file].span_of(&r));
            }
            let mut inner = BTreeMap::new();
            let v = self.eval_body(&content.body, &s, cfg, file, &sub, &mut inner, None);
            spans.extend(inner);
            if let Some(Val::List(list)) = out.get_mut(&name) {
                list.push(Val::Map(v));
            }
        }
    }

    // ---------------------------------------------------------------- expressions

    /// Evaluates an expression. A value computed from a secret is a secret (Terraform's rule):
    /// whatever read a sensitive value on the way makes the result sensitive, except object and
    /// list constructors, whose elements carry their own marks, and `nonsensitive()`.
    pub(crate) fn eval(&self, e: &Expression, scope: &Scope) -> Val {
        let d = self.depth.get();
        if d > MAX_DEPTH {
            return err("expression nests too deeply");
        }
        self.depth.set(d + 1);
        let outer = self.tainted.replace(false);
        let v = self.eval_inner(e, scope);
        let tainted = self.tainted.get() || matches!(v, Val::Sensitive(_));
        self.depth.set(d);
        let declassified =
            matches!(e, Expression::FuncCall(f) if f.name.name.as_str() == "nonsensitive");
        self.tainted.set(outer || (tainted && !declassified));
        match v {
            Val::Sensitive(_) | Val::Unknown(_) => v,
            _ if !tainted || declassified => v,
            _ if matches!(e, Expression::Object(_) | Expression::Array(_)) => v,
            other => Val::Sensitive(Box::new(other)),
        }
    }

    fn eval_inner(&self, e: &Expression, scope: &Scope) -> Val {
        match e {
            Expression::Null(_) => Val::Null,
            Expression::Bool(b) => Val::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map(Val::Num).unwrap_or(Val::Null),
            Expression::String(s) => Val::Str(s.value().to_string()),
            Expression::Array(a) => Val::List(a.iter().map(|x| self.eval(x, scope)).collect()),
            Expression::Object(o) => {
                let mut m = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(id)) => id.as_str().to_string(),
                        ObjectKey::Expression(x) => match self.eval(x, scope).as_string() {
                            Some(s) => s,
                            None => return Val::unknown("object key is not known"),
                        },
                    };
                    m.insert(key, self.eval(v.expr(), scope));
                }
                Val::Map(m)
            }
            Expression::StringTemplate(t) => self.eval_template(t, scope),
            Expression::HeredocTemplate(h) => self.eval_template(&h.template, scope),
            Expression::Parenthesis(p) => self.eval(p.inner(), scope),
            Expression::Variable(v) => {
                let name = v.as_str();
                match scope.vars.iter().rev().find(|(n, _)| n == name) {
                    Some((_, v)) => v.clone(),
                    None => err(format!("unknown variable {name}")),
                }
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, scope);
                match cond.as_bool() {
                    Some(true) => self.eval(&c.true_expr, scope),
                    Some(false) => self.eval(&c.false_expr, scope),
                    None => {
                        let (t, f) = (
                            self.eval(&c.true_expr, scope),
                            self.eval(&c.false_expr, scope),
                        );
                        if t == f {
                            t
                        } else {
                            match cond {
                                Val::Unknown(r) => Val::Unknown(r),
                                other => err(format!("condition is {}", describe(&other))),
                            }
                        }
                    }
                }
            }
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                let args: Vec<Val> = f.args.iter().map(|a| self.eval(a, scope)).collect();
                let args = if f.args.expand_final() {
                    match args.split_last() {
                        Some((Val::List(last), rest)) => {
                            rest.iter().cloned().chain(last.iter().cloned()).collect()
                        }
                        _ => args,
                    }
                } else {
                    args
                };
                let ctx = functions::Ctx {
                    root_dir: &self.root_dir,
                    scan_root: &self.scan_root,
                };
                if name == "templatefile" {
                    return self.templatefile(&args, &ctx);
                }
                functions::call(name, args, &ctx)
            }
            Expression::Traversal(t) => self.eval_traversal(t, scope),
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, scope);
                match (u.operator.value(), v.plain()) {
                    (UnaryOperator::Neg, _) => {
                        v.as_f64().map(|n| Val::Num(-n)).unwrap_or(propagate(&v))
                    }
                    (UnaryOperator::Not, _) => {
                        v.as_bool().map(|b| Val::Bool(!b)).unwrap_or(propagate(&v))
                    }
                }
            }
            Expression::BinaryOp(b) => self.eval_binary(b, scope),
            Expression::ForExpr(f) => self.eval_for(f, scope),
        }
    }

    fn eval_binary(&self, b: &hcl_edit::expr::BinaryOp, scope: &Scope) -> Val {
        use BinaryOperator::*;
        let op = *b.operator.value();
        let l = self.eval(&b.lhs_expr, scope);
        // Short-circuit logic as Terraform does since 1.x for known operands.
        match (op, l.as_bool()) {
            (And, Some(false)) => return Val::Bool(false),
            (Or, Some(true)) => return Val::Bool(true),
            _ => {}
        }
        let r = self.eval(&b.rhs_expr, scope);
        match op {
            Eq | NotEq => match equality(&l, &r) {
                Some(eq) => Val::Bool(if op == Eq { eq } else { !eq }),
                None => propagate2(&l, &r),
            },
            And | Or => match (l.as_bool(), r.as_bool()) {
                (Some(a), Some(c)) => Val::Bool(if op == And { a && c } else { a || c }),
                (_, Some(false)) if op == And => Val::Bool(false),
                (_, Some(true)) if op == Or => Val::Bool(true),
                _ => propagate2(&l, &r),
            },
            _ => {
                let (Some(a), Some(c)) = (l.as_f64(), r.as_f64()) else {
                    return propagate2(&l, &r);
                };
                match op {
                    Plus => Val::Num(a + c),
                    Minus => Val::Num(a - c),
                    Mul => Val::Num(a * c),
                    Div => Val::Num(a / c),
                    Mod => Val::Num(a % c),
                    Less => Val::Bool(a < c),
                    LessEq => Val::Bool(a <= c),
                    Greater => Val::Bool(a > c),
                    GreaterEq => Val::Bool(a >= c),
                    _ => err("unsupported operator"),
                }
            }
        }
    }

    fn eval_for(&self, f: &ForExpr, scope: &Scope) -> Val {
        let coll = self.eval(&f.intro.collection_expr, scope);
        let items = match (entries(&coll), coll.plain()) {
            (Some(items), _) => items,
            (None, Val::Null) => return err("for expression over null"),
            (None, other) => return propagate(other),
        };
        let value_var = f.intro.value_var.as_str();
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str());
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Val> = BTreeMap::new();
        for (k, v) in items {
            let mut s = scope.with_var(value_var, v);
            if let Some(kv) = key_var {
                s = s.with_var(kv, k);
            }
            if let Some(c) = &f.cond {
                match self.eval(&c.expr, &s).as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Val::unknown("for expression condition is not known"),
                }
            }
            let value = self.eval(&f.value_expr, &s);
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let Some(key) = self.eval(ke, &s).as_string() else {
                        return Val::unknown("for expression key is not known");
                    };
                    if f.grouping {
                        let e = map.entry(key).or_insert_with(|| Val::List(Vec::new()));
                        if let Val::List(l) = e {
                            l.push(value);
                        }
                    } else {
                        map.insert(key, value);
                    }
                }
            }
        }
        if f.key_expr.is_some() {
            Val::Map(map)
        } else {
            Val::List(list)
        }
    }

    /// `templatefile(path, vars)`: the template sees only the variables it is given.
    fn templatefile(&self, args: &[Val], ctx: &functions::Ctx) -> Val {
        if let Some(u) = args.iter().find(|a| a.is_unknown()) {
            return u.clone();
        }
        let (Some(path), vars) = (args.first().and_then(Val::as_string), args.get(1)) else {
            return err("templatefile takes a path and a map of variables");
        };
        let text = match functions::read_file(&path, ctx) {
            Ok(t) => t,
            Err(e) => return err(e.to_string()),
        };
        let template = match hcl_edit::parser::parse_template(&text) {
            Ok(t) => t,
            Err(e) => return err(format!("templatefile({path:?}): {}", e.message())),
        };
        let mut scope = Scope::module(0);
        if let Some(m) = vars.and_then(Val::as_map) {
            scope.vars = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        }
        let mut out = String::new();
        let mut st = TemplateState::default();
        let result = self.render_template(&template, &scope, &mut out, &mut st);
        st.finish(result, out)
    }

    fn eval_template(&self, t: &Template, scope: &Scope) -> Val {
        // A template that is a single interpolation yields the value itself, not a string.
        let elements: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(&i.expr, scope);
        }
        let mut out = String::new();
        let mut st = TemplateState::default();
        let result = self.render_template(t, scope, &mut out, &mut st);
        st.finish(result, out)
    }

    fn render_template(
        &self,
        t: &Template,
        scope: &Scope,
        out: &mut String,
        st: &mut TemplateState,
    ) -> Result<(), Val> {
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, scope);
                    st.sensitive |= matches!(v, Val::Sensitive(_));
                    match (v.as_string(), v.plain()) {
                        (Some(s), _) => out.push_str(&s),
                        (None, Val::Null) => {}
                        (None, Val::Unknown(r)) if !r.starts_with("error:") => {
                            st.unknown = true;
                            if r.contains("${") {
                                out.push_str(r);
                            } else {
                                out.push_str(&format!("${{{r}}}"));
                            }
                        }
                        (None, _) => return Err(propagate(&v)),
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let c = self.eval(&ifd.if_expr.cond_expr, scope);
                        match c.as_bool() {
                            Some(true) => {
                                self.render_template(&ifd.if_expr.template, scope, out, st)?
                            }
                            Some(false) => {
                                if let Some(e) = &ifd.else_expr {
                                    self.render_template(&e.template, scope, out, st)?;
                                }
                            }
                            None => return Err(propagate(&c)),
                        }
                    }
                    Directive::For(ford) => {
                        let fe = &ford.for_expr;
                        let coll = self.eval(&fe.collection_expr, scope);
                        let Some(items) = entries(&coll) else {
                            return Err(propagate(coll.plain()));
                        };
                        for (k, v) in items {
                            let mut s = scope.with_var(fe.value_var.as_str(), v);
                            if let Some(kv) = &fe.key_var {
                                s = s.with_var(kv.as_str(), k);
                            }
                            self.render_template(&fe.template, &s, out, st)?;
                        }
                    }
                },
            }
        }
        Ok(())
    }

    fn eval_traversal(&self, t: &hcl_edit::expr::Traversal, scope: &Scope) -> Val {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let (val, used) = match &t.expr {
            Expression::Variable(v) => self.resolve_root(v.as_str(), &ops, scope),
            other => (self.eval(other, scope), 0),
        };
        self.apply_ops(val, &ops[used..], scope)
    }

    fn apply_ops(&self, mut val: Val, ops: &[&TraversalOperator], scope: &Scope) -> Val {
        for (i, op) in ops.iter().enumerate() {
            val = match op {
                TraversalOperator::GetAttr(name) => get_attr(&val, name.as_str()),
                TraversalOperator::Index(e) => {
                    let k = self.eval(e, scope);
                    index(&val, &k)
                }
                TraversalOperator::LegacyIndex(n) => index(&val, &Val::Num(*n.value() as f64)),
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &ops[i + 1..];
                    return match val.plain() {
                        Val::List(l) => Val::List(
                            l.iter()
                                .map(|x| self.apply_ops(x.clone(), rest, scope))
                                .collect(),
                        ),
                        Val::Null => Val::List(Vec::new()),
                        Val::Unknown(_) => val,
                        other => Val::List(vec![self.apply_ops(other.clone(), rest, scope)]),
                    };
                }
            };
        }
        val
    }

    /// Resolves the first name of a traversal; returns the value and how many operators it used.
    fn resolve_root(&self, root: &str, ops: &[&TraversalOperator], scope: &Scope) -> (Val, usize) {
        if let Some((_, v)) = scope.vars.iter().rev().find(|(n, _)| n == root) {
            return (v.clone(), 0);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let m = scope.m;
        match (root, attr(0)) {
            ("var", Some(n)) => (self.variable(m, n), 1),
            ("local", Some(n)) => (self.local(m, n), 1),
            ("count", Some("index")) => (
                scope
                    .count
                    .clone()
                    .unwrap_or_else(|| err("count.index outside a counted block")),
                1,
            ),
            ("each", Some(k @ ("key" | "value"))) => match &scope.each {
                Some(each) => (
                    if k == "key" {
                        each.0.clone()
                    } else {
                        each.1.clone()
                    },
                    1,
                ),
                None => (err("each outside a for_each block"), 1),
            },
            ("path", Some(p)) => {
                let dir = if p == "module" {
                    relative_dir(&self.root_dir, &self.insts[m].cfg.dir)
                } else {
                    String::new()
                };
                (Val::Str(if dir.is_empty() { ".".into() } else { dir }), 1)
            }
            ("terraform", Some("workspace")) => (Val::Str("default".into()), 1),
            ("self", _) => (Val::unknown("self"), 0),
            ("data", Some(t)) => match attr(1) {
                Some(n) => {
                    self.note_ref(m, format!("data.{t}.{n}"), &ops[2..], scope);
                    (self.resource_value(m, Mode::Data, t, n), 2)
                }
                None => (err("incomplete data reference"), ops.len()),
            },
            ("module", Some(name)) => self.module_ref(m, name, &ops[1..], scope),
            (t, Some(n)) => {
                self.note_ref(m, format!("{t}.{n}"), &ops[1..], scope);
                (self.resource_value(m, Mode::Managed, t, n), 1)
            }
            (other, None) => (err(format!("unknown reference {other}")), 0),
        }
    }

    /// `module.NAME…`: evaluates only the outputs that are read.
    fn module_ref(
        &self,
        m: usize,
        name: &str,
        rest: &[&TraversalOperator],
        scope: &Scope,
    ) -> (Val, usize) {
        let out_at = |i: usize| match rest.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match self.insts[m].children.get(name) {
            None => (err(format!("module {name} is not declared")), 1),
            Some(Child::Unresolved) => {
                let addr = join_addr(&self.insts[m].address, &format!("module.{name}"));
                (Val::unknown(addr), 1)
            }
            Some(Child::Single(c)) => match out_at(0) {
                Some(o) => (self.output(*c, o), 2),
                None => (self.module_outputs(*c), 1),
            },
            Some(Child::List(cs)) => match rest.first() {
                Some(TraversalOperator::Index(e)) => {
                    let i = self.eval(e, scope).as_f64().map(|n| n as usize);
                    match (i.and_then(|i| cs.get(i)), out_at(1)) {
                        (Some(c), Some(o)) => (self.output(*c, o), 3),
                        (Some(c), None) => (self.module_outputs(*c), 2),
                        (None, _) => (err(format!("module.{name} index out of range")), 2),
                    }
                }
                _ => (
                    Val::List(cs.iter().map(|c| self.module_outputs(*c)).collect()),
                    1,
                ),
            },
            Some(Child::Map(cs)) => match rest.first() {
                Some(TraversalOperator::Index(e)) => {
                    let k = self.eval(e, scope).as_string();
                    match (k.and_then(|k| cs.get(&k)), out_at(1)) {
                        (Some(c), Some(o)) => (self.output(*c, o), 3),
                        (Some(c), None) => (self.module_outputs(*c), 2),
                        (None, _) => (err(format!("module.{name} key not found")), 2),
                    }
                }
                _ => (
                    Val::Map(
                        cs.iter()
                            .map(|(k, c)| (k.clone(), self.module_outputs(*c)))
                            .collect(),
                    ),
                    1,
                ),
            },
        }
    }
}

/// What a rendered template picked up from its interpolations.
#[derive(Default)]
struct TemplateState {
    unknown: bool,
    sensitive: bool,
}

impl TemplateState {
    /// The known parts stay readable around `${reference}`, so a rule can still see that an ARN
    /// names token.actions.githubusercontent.com even when the account id is unknown; a template
    /// that interpolates a sensitive value is sensitive as a whole.
    fn finish(self, result: Result<(), Val>, out: String) -> Val {
        let v = match result {
            Ok(()) if self.unknown => Val::Unknown(out),
            Ok(()) => Val::Str(out),
            Err(v) => return v,
        };
        if self.sensitive {
            Val::Sensitive(Box::new(v))
        } else {
            v
        }
    }
}

/// Attributes the provider computes that are derivable from the configuration, so references to
/// them stay known (a bucket's ARN is `arn:aws:s3:::<name>`).
fn computed_attributes(rtype: &str, map: &mut BTreeMap<String, Val>) {
    let Some(t) = crate::aws::resource_type(rtype) else {
        return;
    };
    let Some(name_attr) = t.id_from else {
        return;
    };
    let Some(name) = map.get(name_attr).cloned() else {
        return;
    };
    if let (Some(arn), Some(n)) = (t.arn_from_name, name.as_str()) {
        map.entry("arn".into()).or_insert_with(|| Val::Str(arn(n)));
    }
    map.entry("id".into()).or_insert(name.clone());
    map.entry(name_attr.into()).or_insert(name);
}

/// The modules `terraform init` installed for the root module in `root_dir`: module key →
/// directory (relative to the root module), from `.terraform/modules/modules.json`.
fn installed_modules(root_dir: &Path) -> HashMap<String, PathBuf> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Dir")]
        dir: PathBuf,
    }
    let path = root_dir.join(".terraform/modules/modules.json");
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Manifest>(&text).ok())
        .map(|m| {
            m.modules
                .into_iter()
                .filter(|e| !e.key.is_empty())
                .map(|e| (e.key, e.dir))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether an expression refers to nothing: its value is what is written.
fn is_constant(e: &Expression) -> bool {
    match e {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => true,
        Expression::Array(a) => a.iter().all(is_constant),
        Expression::Object(o) => o.iter().all(|(_, v)| is_constant(v.expr())),
        Expression::Parenthesis(p) => is_constant(p.inner()),
        Expression::StringTemplate(t) => template_is_constant(t),
        Expression::HeredocTemplate(h) => template_is_constant(&h.template),
        Expression::FuncCall(f) => f.args.iter().all(is_constant),
        _ => false,
    }
}

fn template_is_constant(t: &Template) -> bool {
    t.iter().all(|el| match el {
        Element::Literal(_) => true,
        Element::Interpolation(i) => is_constant(&i.expr),
        Element::Directive(_) => false,
    })
}

/// Whether a known `count` or `for_each` gives no instance.
fn expansion_is_empty(e: &Expansion) -> bool {
    matches!(e, Expansion::Count(Some(0)))
        || matches!(e, Expansion::ForEach(Some(items)) if items.is_empty())
}

/// `each.key` and `each.value` of an instance standing for a `for_each` that is not known.
fn unknown_each(address: &str) -> Rc<(Val, Val)> {
    Rc::new((
        Val::unknown(format!("each.key of {address}")),
        Val::unknown(format!("each.value of {address}")),
    ))
}

/// The (key, element) pairs a `for`, `dynamic` or template `for` iterates over: list indices or
/// map keys. `None` for anything that is not a collection.
fn entries(v: &Val) -> Option<Vec<(Val, Val)>> {
    match v.plain() {
        Val::List(l) => Some(
            l.iter()
                .enumerate()
                .map(|(i, v)| (Val::Num(i as f64), v.clone()))
                .collect(),
        ),
        Val::Map(m) => Some(
            m.iter()
                .filter(|(k, _)| k.as_str() != ADDRESS_KEY)
                .map(|(k, v)| (Val::Str(k.clone()), v.clone()))
                .collect(),
        ),
        _ => None,
    }
}

fn get_attr(v: &Val, name: &str) -> Val {
    match v {
        Val::Map(m) => match m.get(name) {
            Some(x) => x.clone(),
            None => match m.get(ADDRESS_KEY) {
                Some(Val::Str(addr)) => Val::unknown(format!("{addr}.{name}")),
                _ => err(format!("object has no attribute {name:?}")),
            },
        },
        Val::Unknown(r) if !r.starts_with("error:") => Val::unknown(format!("{r}.{name}")),
        Val::Unknown(_) => v.clone(),
        Val::Sensitive(inner) => Val::Sensitive(Box::new(get_attr(inner, name))),
        Val::List(l) if l.len() == 1 => get_attr(&l[0], name),
        other => err(format!(
            "cannot read attribute {name:?} of a {}",
            other.type_name()
        )),
    }
}

fn index(v: &Val, k: &Val) -> Val {
    if let Val::Unknown(_) = k {
        return propagate(k);
    }
    match v.plain() {
        Val::List(l) => match k.as_f64() {
            Some(i) if i >= 0.0 && (i as usize) < l.len() => l[i as usize].clone(),
            _ => err("index out of range"),
        },
        Val::Map(m) => match k.as_string() {
            Some(s) => m
                .get(&s)
                .cloned()
                .unwrap_or_else(|| match m.get(ADDRESS_KEY) {
                    Some(Val::Str(addr)) => Val::unknown(format!("{addr}[{s:?}]")),
                    _ => err(format!("key {s:?} not found")),
                }),
            None => err("map key is not a string"),
        },
        Val::Unknown(r) if !r.starts_with("error:") => {
            let suffix = key_suffix(k.plain());
            Val::unknown(format!("{r}{suffix}"))
        }
        other => propagate(other),
    }
}

fn propagate(v: &Val) -> Val {
    match v {
        Val::Unknown(r) => Val::Unknown(r.clone()),
        Val::Sensitive(inner) => propagate(inner),
        other => err(format!("unexpected {}", other.type_name())),
    }
}

fn propagate2(a: &Val, b: &Val) -> Val {
    match (a.first_unknown(), b.first_unknown()) {
        (Some(r), _) | (None, Some(r)) => Val::unknown(r),
        _ => err(format!(
            "operands are {} and {}",
            a.type_name(),
            b.type_name()
        )),
    }
}

fn describe(v: &Val) -> String {
    match v {
        Val::Unknown(r) if r.starts_with("error:") => r.clone(),
        Val::Unknown(r) => format!("known after apply: {r}"),
        other => format!("a {}", other.type_name()),
    }
}

/// Equality where parts may be unknown: decided whenever the known parts decide it (a map of
/// unknown values is not null; lists of different lengths differ), `None` otherwise.
fn equality(a: &Val, b: &Val) -> Option<bool> {
    match (a.plain(), b.plain()) {
        (Val::Unknown(_), _) | (_, Val::Unknown(_)) => None,
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y))
        }
        (Val::Map(x), Val::Map(y)) => {
            if x.len() != y.len() || x.keys().zip(y.keys()).any(|(p, q)| p != q) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        (x, y) => Some(values_equal(x, y)),
    }
}

/// Pairwise equality: false if any pair differs, unknown if any pair is unknown.
fn all_equal<'v>(pairs: impl Iterator<Item = (&'v Val, &'v Val)>) -> Option<bool> {
    let mut unknown = false;
    for (p, q) in pairs {
        match equality(p, q) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    (!unknown).then_some(true)
}

/// `path.module` as Terraform gives it: relative to the root module directory.
fn relative_dir(root: &Path, dir: &Path) -> String {
    let (Ok(r), Ok(d)) = (root.canonicalize(), dir.canonicalize()) else {
        return ".".into();
    };
    match d.strip_prefix(&r) {
        Ok(p) if p.as_os_str().is_empty() => ".".into(),
        Ok(p) => crate::input::rel_path(Path::new(""), p),
        Err(_) => {
            // A module outside the root module directory: `../…` as Terraform would write it.
            let mut up = String::new();
            let mut anc = r.as_path();
            while !d.starts_with(anc) {
                up.push_str("../");
                anc = match anc.parent() {
                    Some(a) => a,
                    None => return d.to_string_lossy().into_owned(),
                };
            }
            format!("{up}{}", crate::input::rel_path(anc, &d))
        }
    }
}

/// `rampart:` comments within a block's lines.
fn directives_in(cfg: &ModuleConfig, file: FileId, span: &Span) -> Vec<(u32, String)> {
    cfg.files[file]
        .lines(span.start_line, span.end_line)
        .enumerate()
        .filter(|(_, l)| l.contains("rampart:"))
        .map(|(i, l)| (span.start_line + i as u32, l.trim().to_string()))
        .collect()
}
