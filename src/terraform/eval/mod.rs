//! Evaluates a Terraform configuration the way `terraform plan` would, as far as it can without
//! providers: variables, locals, `count`, `for_each`, `dynamic` blocks, templates, functions,
//! references between resources, data sources and local modules.
//!
//! Evaluation is lazy and memoized: a reference evaluates what it points at on first use, so
//! declaration order does not matter. Whatever cannot be evaluated becomes [`Val::Unknown`] with the
//! reason, never a crash: values known only after apply name the attribute they refer to
//! (`aws_kms_key.records.arn`), evaluation errors start with `error:`.

mod bodies;
mod expressions;
mod modules;
mod resources;
mod values;

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
                _ => Val::error(format!("object has no attribute {name:?}")),
            },
        },
        Val::Unknown(r) if !r.starts_with(crate::model::ERROR_PREFIX) => {
            Val::unknown(format!("{r}.{name}"))
        }
        Val::Unknown(_) => v.clone(),
        Val::Sensitive(inner) => Val::Sensitive(Box::new(get_attr(inner, name))),
        Val::List(l) if l.len() == 1 => get_attr(&l[0], name),
        other => Val::error(format!(
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
            _ => Val::error("index out of range"),
        },
        Val::Map(m) => match k.as_string() {
            Some(s) => m
                .get(&s)
                .cloned()
                .unwrap_or_else(|| match m.get(ADDRESS_KEY) {
                    Some(Val::Str(addr)) => Val::unknown(format!("{addr}[{s:?}]")),
                    _ => Val::error(format!("key {s:?} not found")),
                }),
            None => Val::error("map key is not a string"),
        },
        Val::Unknown(r) if !r.starts_with(crate::model::ERROR_PREFIX) => {
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
        other => Val::error(format!("unexpected {}", other.type_name())),
    }
}

fn propagate2(a: &Val, b: &Val) -> Val {
    match (a.first_unknown(), b.first_unknown()) {
        (Some(r), _) | (None, Some(r)) => Val::unknown(r),
        _ => Val::error(format!(
            "operands are {} and {}",
            a.type_name(),
            b.type_name()
        )),
    }
}

fn describe(v: &Val) -> String {
    match v {
        Val::Unknown(r) if r.starts_with(crate::model::ERROR_PREFIX) => r.clone(),
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
