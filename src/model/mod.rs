//! The normalized model: every source (Terraform, plan JSON, live APIs) becomes the same resources,
//! so one rule judges a pull request and a running account alike.
//!
//! A snapshot is a file: [`Snapshot`] serializes to deterministic JSON (resources sorted by uid,
//! object keys sorted), documented in `reports/schema/snapshot.schema.json`.

mod attr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

pub use attr::{to_json, Attr, Known};

/// Version of the snapshot file format. Bump on any incompatible change.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

/// Marker key for a value that is only known after apply. The marker's value is the reference the
/// unknown came from (e.g. `aws_kms_key.records.arn`), so a rule can still tell what it points at.
pub const UNKNOWN_KEY: &str = "__unknown__";

/// Placeholder written instead of a secret value where a value must be text (a tag, a name).
pub const REDACTED: &str = "<redacted>";

/// Marker key for a secret value: the value is never kept, only that one is there. The marker's
/// value says how it came: `sensitive` (marked sensitive in Terraform, or in a secret-bearing
/// attribute), `literal` (written as a constant in the configuration).
pub const REDACTED_KEY: &str = "__redacted__";

/// The marker written instead of a secret value.
pub fn redacted(how: &str) -> Value {
    let mut m = Map::new();
    m.insert(REDACTED_KEY.into(), Value::String(how.into()));
    Value::Object(m)
}

/// Whether a JSON value is the marker of a secret value.
pub fn is_redacted(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key(REDACTED_KEY))
}

/// A line range in a file, relative to the scan root (the repository root for SARIF).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
}

/// What kind of source a resource was read from.
#[derive(
    Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A Terraform configuration.
    #[default]
    Terraform,
    /// A Terraform plan (`terraform show -json`).
    TerraformPlan,
    /// The AWS API, or an export of it (AWS CLI output, a credential report).
    Aws,
    /// A live Kubernetes cluster.
    Kubernetes,
    /// A Kubernetes manifest file (or rendered chart).
    Manifest,
}

/// Where a resource came from.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub source: SourceKind,
    /// Declaration in IaC (the resource block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Terraform address, e.g. `module.data.aws_s3_bucket.records["2024"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The Terraform root module the resource was evaluated in (its directory relative to the
    /// scan root, `.` for the scan root itself), or the plan file it was read from. References
    /// in the resource's values resolve within it, and analyses that join resources keep each
    /// root apart unless their account is known to be the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// ARN of a live resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The API operation a live resource was read with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_call: Option<String>,
    /// Where the resource is written in the snapshot file it was read from: the place a finding
    /// points at when no IaC declares the resource. Not serialized, so a snapshot's digest does
    /// not depend on where it was read from.
    #[serde(skip)]
    pub entry: Option<Span>,
}

/// How an attribute got its value.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Set in the configuration or returned by the API.
    Explicit,
    /// Not set; this is what AWS does by default (e.g. SSE-S3 on new buckets since 2023).
    Default,
    /// Known only after apply.
    Unknown,
    /// The source could not be read (a failed API call): the value is unknown, and why is kept.
    NotRead,
}

/// Provenance and location of one attribute (keyed by its dotted path in [`Resource::attribute_meta`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AttributeMeta {
    pub provenance: Provenance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Address of the split resource this value was folded in from, e.g.
    /// `aws_s3_bucket_versioning.records`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

impl AttributeMeta {
    /// Set in the configuration or returned by the API, with no line of its own.
    pub fn explicit() -> Self {
        AttributeMeta {
            provenance: Provenance::Explicit,
            span: None,
            from: None,
        }
    }

    /// Not set or not returned: AWS's documented default applies.
    pub fn aws_default() -> Self {
        AttributeMeta {
            provenance: Provenance::Default,
            span: None,
            from: None,
        }
    }
}

/// One normalized resource.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Resource {
    /// Stable identity: the Terraform address for IaC, the ARN (or a synthetic id) for live data.
    pub uid: String,
    /// Terraform AWS provider type name (`aws_s3_bucket`) or `k8s_*`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// A human name: bucket name, role name, or the Terraform name when the real one is unknown.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Normalized attributes (a JSON object). Unknown values are `{"__unknown__": "<reference>"}`.
    pub attributes: Value,
    /// Facts computed in Rust (data classification, reachability, …) that rules read.
    #[serde(default)]
    pub derived: Value,
    pub origin: Origin,
    #[serde(default)]
    pub attribute_meta: BTreeMap<String, AttributeMeta>,
    /// `rampart:ignore` comments written in the resource's IaC.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_suppressions: Vec<InlineSuppression>,
}

/// `# rampart:ignore <RULE-ID> reason="…" [expires=YYYY-MM-DD]` in a resource block.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct InlineSuppression {
    pub rule: String,
    /// Required; a comment without one does not suppress (and says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub span: Span,
}

impl Resource {
    pub fn new(uid: impl Into<String>, resource_type: impl Into<String>, origin: Origin) -> Self {
        Resource {
            uid: uid.into(),
            resource_type: resource_type.into(),
            name: String::new(),
            account: None,
            region: None,
            tags: BTreeMap::new(),
            attributes: Value::Object(Map::new()),
            derived: Value::Object(Map::new()),
            origin,
            attribute_meta: BTreeMap::new(),
            inline_suppressions: Vec::new(),
        }
    }

    /// The attribute at a dotted path (`versioning.status`); list elements by number (`ingress.0`).
    pub fn attribute(&self, path: &str) -> Option<&Value> {
        lookup_path(&self.attributes, path)
    }

    /// Sets an attribute at a dotted path, creating intermediate objects, and records its meta.
    pub fn set_attribute(&mut self, path: &str, value: Value, meta: AttributeMeta) {
        set_path(&mut self.attributes, path, value);
        self.attribute_meta.insert(path.to_string(), meta);
    }

    /// The most precise span for an attribute path: the attribute's own line, or that of the
    /// closest parent that has one, or the resource's block.
    pub fn span_for(&self, path: &str) -> Option<&Span> {
        path_and_parents(path)
            .find_map(|p| self.attribute_meta.get(p)?.span.as_ref())
            .or(self.location())
    }

    /// What Terraform references to the resource name: its address within its root module (the
    /// uid for resources not read from Terraform). References resolve within one root
    /// (`origin.root`), which callers compare too.
    pub fn address(&self) -> &str {
        self.origin.address.as_deref().unwrap_or(&self.uid)
    }

    /// The resource's declaration, or else its entry in the snapshot file.
    pub fn location(&self) -> Option<&Span> {
        self.origin.span.as_ref().or(self.origin.entry.as_ref())
    }

    /// How the attribute at `path`, or its closest described parent, got its value.
    pub fn meta_for(&self, path: &str) -> Option<&AttributeMeta> {
        path_and_parents(path).find_map(|p| self.attribute_meta.get(p))
    }

    /// Records that the value at `path` could not be read (a failed API call), and why: the
    /// value is unknown, so no rule that needs it can pass.
    pub fn set_unread(&mut self, path: &str, why: &str) {
        self.put::<Value>(path, Attr::NotRead(why.to_string()), None);
    }

    /// The first value among those a rule reads that is unknown or could not be read, as
    /// `(path, why)`. `None` for `reads` means every attribute.
    pub fn first_unassessable(&self, reads: Option<&[ReadPath]>) -> Option<(String, String)> {
        let Some(reads) = reads else {
            return first_unknown_within(&self.attributes, String::new())
                .map(|(path, why)| (path.clone(), self.why_unknown(&path, &why)));
        };
        for read in reads {
            let found = match read.part {
                ResourcePart::Tags => self
                    .attribute_meta
                    .iter()
                    .filter(|(p, _)| p.as_str() == "tags" || p.starts_with("tags."))
                    .find(|(_, m)| {
                        matches!(m.provenance, Provenance::Unknown | Provenance::NotRead)
                    })
                    .map(|(p, m)| {
                        let why = match m.provenance {
                            Provenance::NotRead => "tags could not be read".to_string(),
                            _ => "its value is known only after apply".to_string(),
                        };
                        (p.clone(), why)
                    }),
                ResourcePart::Attributes => {
                    unknown_along(&self.attributes, &read.segments, String::new())
                        .map(|(p, why)| (p.clone(), self.why_unknown(&p, &why)))
                }
                ResourcePart::Derived => {
                    unknown_along(&self.derived, &read.segments, "derived".into())
                        .map(|(p, why)| (p, format!("it is not known ({why})")))
                }
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Why the unknown value at `path` is unknown, in words for a finding.
    fn why_unknown(&self, path: &str, marker: &str) -> String {
        if marker == REDACTED_TEXT {
            return "it is a secret, whose value rampart does not keep".into();
        }
        if let Some(reason) = marker.strip_prefix(ERROR_PREFIX) {
            return format!("it could not be evaluated: {reason}");
        }
        match marker.strip_prefix(NOT_READ_PREFIX) {
            Some(reason) => format!("it could not be read: {reason}"),
            None if self
                .meta_for(path)
                .is_some_and(|m| m.provenance == Provenance::NotRead) =>
            {
                format!("it could not be read: {marker}")
            }
            None => format!("it is known only after apply ({marker})"),
        }
    }
}

/// Where in a resource a rule reads a value: `tags`, `derived.<path>` or an attribute path, with
/// `*` for every element of a list or value of a map.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(into = "String", try_from = "String")]
pub struct ReadPath {
    pub part: ResourcePart,
    pub segments: Vec<String>,
}

/// The part of a resource a [`ReadPath`] starts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourcePart {
    Attributes,
    Derived,
    Tags,
}

/// A value written by a user (an option, a configuration key, rule metadata) that is not what
/// it should be: `"{value}" is not {expected}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not {expected}")]
pub struct BadValue {
    pub value: String,
    pub expected: String,
}

impl BadValue {
    pub fn new(value: &str, expected: impl Into<String>) -> BadValue {
        BadValue {
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

impl ReadPath {
    pub fn parse(text: &str) -> Result<ReadPath, BadValue> {
        let text = text.trim();
        let mut segments: Vec<String> = text.split('.').map(str::to_string).collect();
        if text.is_empty() || segments.iter().any(String::is_empty) {
            return Err(BadValue::new(text, "a dotted path"));
        }
        let part = match segments[0].as_str() {
            "tags" if segments.len() == 1 => ResourcePart::Tags,
            "derived" if segments.len() > 1 => ResourcePart::Derived,
            "tags" | "derived" => {
                return Err(BadValue::new(text, format!("a path into {}", segments[0])))
            }
            _ => ResourcePart::Attributes,
        };
        if part != ResourcePart::Attributes {
            segments.remove(0);
        }
        Ok(ReadPath { part, segments })
    }
}

impl std::fmt::Display for ReadPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.part {
            ResourcePart::Attributes => {}
            ResourcePart::Derived => f.write_str("derived.")?,
            ResourcePart::Tags => f.write_str("tags")?,
        }
        f.write_str(&self.segments.join("."))
    }
}

impl From<ReadPath> for String {
    fn from(p: ReadPath) -> String {
        p.to_string()
    }
}

impl TryFrom<String> for ReadPath {
    type Error = BadValue;
    fn try_from(s: String) -> Result<ReadPath, BadValue> {
        ReadPath::parse(&s)
    }
}

/// The text an unknown marker starts with when the value could not be read at all.
pub const NOT_READ_PREFIX: &str = "not read: ";

/// The text an unknown marker starts with when the value could not be evaluated: an expression
/// Terraform would reject, or a function rampart does not know. Unknown wherever it flows, so no
/// rule passes on it, and named as an error where a finding explains it.
pub const ERROR_PREFIX: &str = "error: ";

/// Follows `segments` (`*` for every element) from `v`, and returns the first unknown marker met
/// on the way or at the end, with its path and text.
fn unknown_along(v: &Value, segments: &[String], at: String) -> Option<(String, String)> {
    if is_unknown(v) || is_redacted(v) {
        return Some((at, text_of(v)));
    }
    let Some((seg, rest)) = segments.split_first() else {
        // A list read is read with its elements (`cidr_blocks = [var.cidr]`); what an object
        // holds (a policy document) is the rule's to judge.
        return v.as_array().and_then(|a| {
            a.iter().enumerate().find_map(|(i, x)| {
                (is_unknown(x) || is_redacted(x)).then(|| {
                    let at = if at.is_empty() {
                        i.to_string()
                    } else {
                        format!("{at}.{i}")
                    };
                    (at, text_of(x))
                })
            })
        });
    };
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (seg.as_str(), v) {
        ("*", Value::Array(a)) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| unknown_along(x, rest, join(&i.to_string()))),
        ("*", Value::Object(m)) => m.iter().find_map(|(k, x)| unknown_along(x, rest, join(k))),
        (k, Value::Object(m)) => m.get(k).and_then(|x| unknown_along(x, rest, join(k))),
        (k, Value::Array(a)) => k
            .parse::<usize>()
            .ok()
            .and_then(|i| a.get(i))
            .and_then(|x| unknown_along(x, rest, join(k))),
        _ => None,
    }
}

/// The first unknown marker anywhere within `v`.
/// (A secret is a known value rampart does not keep; a rule that needs it names it in `reads`.)
fn first_unknown_within(v: &Value, at: String) -> Option<(String, String)> {
    if is_unknown(v) {
        return Some((at, text_of(v)));
    }
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| first_unknown_within(x, join(&i.to_string()))),
        Value::Object(m) => m.iter().find_map(|(k, x)| first_unknown_within(x, join(k))),
        _ => None,
    }
}

/// `a.b.c`, then `a.b`, then `a`.
fn path_and_parents(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(path), |p| p.rfind('.').map(|i| &p[..i]))
}

/// Looks up a dotted path in a JSON value.
pub fn lookup_path<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(root);
    }
    path.split('.').try_fold(root, |v, seg| match v {
        Value::Object(m) => m.get(seg),
        Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

fn set_path(root: &mut Value, path: &str, value: Value) {
    let mut cur = root;
    let mut segs = path.split('.').peekable();
    while let Some(seg) = segs.next() {
        let last = segs.peek().is_none();
        // A numeric segment into a list is an element of it: the list stays a list.
        let index = seg.parse::<usize>().ok().filter(|_| cur.is_array());
        if let Some(i) = index {
            let items = cur.as_array_mut().expect("checked to be a list");
            if items.len() <= i {
                items.resize(i + 1, Value::Null);
            }
            if last {
                items[i] = value;
                return;
            }
            cur = &mut items[i];
            continue;
        }
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let map = cur.as_object_mut().expect("just made an object");
        if last {
            map.insert(seg.to_string(), value);
            return;
        }
        cur = map
            .entry(seg.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// A `YYYY-MM-DD` date, the one date form rampart reads (waiver expiry, `--as-of`, the date part
/// of AWS timestamps).
pub fn parse_date(s: &str) -> Result<time::Date, time::error::Parse> {
    time::Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
}

/// How a secret value reads as text.
const REDACTED_TEXT: &str = REDACTED;

/// A value as text: a string as is, an unknown value as its reference, a secret as
/// `<redacted>`, anything else as JSON.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        _ if is_unknown(v) => v[UNKNOWN_KEY].as_str().unwrap_or_default().to_string(),
        _ if is_redacted(v) => REDACTED_TEXT.to_string(),
        _ => v.to_string(),
    }
}

/// The resource address inside a reference (as unknown values name what they come from): `aws_s3_bucket.b["k"]` from `aws_s3_bucket.b["k"].id`.
pub fn ref_address(r: &str) -> &str {
    let mut depth = 0i32;
    let mut in_str = false;
    for (i, c) in r.char_indices().rev() {
        match c {
            '"' => in_str = !in_str,
            ']' if !in_str => depth += 1,
            '[' if !in_str => depth -= 1,
            '.' if !in_str && depth == 0 => return &r[..i],
            _ => {}
        }
    }
    r
}

/// Whether a JSON value is the unknown marker.
pub fn is_unknown(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key(UNKNOWN_KEY))
}

/// The unknown marker for a reference.
pub fn unknown(reference: &str) -> Value {
    let mut m = Map::new();
    m.insert(UNKNOWN_KEY.into(), Value::String(reference.into()));
    Value::Object(m)
}

/// Outcome of collecting one part of the environment.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// Collected completely.
    Ok,
    /// Could not be collected or parsed: rules that need it report `error`.
    Error,
    /// Deliberately not followed (e.g. a remote module source).
    NotResolved,
}

/// One entry of what was and was not collected.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CoverageEntry {
    pub status: CoverageStatus,
    /// What this covers: a file, a module call, `account/region/service/operation`.
    pub scope: String,
    pub detail: String,
    /// Resource types whose data this entry concerns; rules on these types get `error` results
    /// while the status is `error`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// A problem met while reading input, with where it happened.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Diagnostic {
    /// A problem on one line of a file (line 1 when the line is not known).
    pub fn at_line(level: DiagnosticLevel, file: &str, line: u32, message: String) -> Self {
        let line = line.max(1);
        Diagnostic {
            level,
            message,
            span: Some(Span {
                file: file.to_string(),
                start_line: line,
                end_line: line,
            }),
            column: None,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticLevel {
    /// The input could not be read; the run is incomplete.
    Error,
    /// Read, but something was approximated (e.g. an expression left unknown).
    Warning,
}

/// Why a file is not a snapshot this rampart reads.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a valid rampart snapshot: {0}")]
    Json(serde_json::Error),
    #[error("snapshot schema version {0} is not supported (this rampart reads version {SNAPSHOT_SCHEMA_VERSION})")]
    Version(u32),
}

/// A versioned, deterministic set of resources with where they came from and what was covered.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// What was scanned: directories, plan files, accounts.
    pub sources: Vec<String>,
    pub resources: Vec<Resource>,
    pub coverage: Vec<CoverageEntry>,
    pub diagnostics: Vec<Diagnostic>,
    /// SHA-256 of this snapshot as a file, where one is at stake: the one snapshot file scanned,
    /// or a live collection (written by `--snapshot`, or as `collect aws` would write it).
    #[serde(skip)]
    pub file_digest: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "rampart".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

impl Default for Snapshot {
    /// An empty snapshot of no source.
    fn default() -> Self {
        Snapshot::new(Vec::new())
    }
}

impl Snapshot {
    pub fn new(sources: Vec<String>) -> Self {
        Snapshot {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            tool: ToolInfo::default(),
            sources,
            resources: Vec::new(),
            coverage: Vec::new(),
            diagnostics: Vec::new(),
            file_digest: None,
        }
    }

    /// Sorts everything so that serialization is deterministic.
    /// Nothing merges away: the same resource read twice is kept once, but two different
    /// resources that share an identity are both kept, the later ones told apart by `#2`, `#3`…
    /// and named in a diagnostic.
    pub fn normalize(&mut self) {
        self.resources.sort_by(|a, b| a.uid.cmp(&b.uid));
        let mut i = 0;
        while i < self.resources.len() {
            let uid = self.resources[i].uid.clone();
            let mut run = self.resources[i..]
                .iter()
                .take_while(|r| r.uid == uid)
                .count();
            // The same resource read twice is one; runs are short, so pairwise is cheap.
            let mut j = i + 1;
            while j < i + run {
                if self.resources[i..j].contains(&self.resources[j]) {
                    self.resources.remove(j);
                    run -= 1;
                } else {
                    j += 1;
                }
            }
            for (n, r) in self.resources[i + 1..i + run].iter_mut().enumerate() {
                r.uid = format!("{uid}#{}", n + 2);
                let span = r.location().cloned();
                self.diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Warning,
                    message: format!(
                        "two different resources are both {uid}; this one is kept as {}",
                        r.uid
                    ),
                    span,
                    column: None,
                });
            }
            i += run;
        }
        if self.resources.windows(2).any(|w| w[0].uid >= w[1].uid) {
            self.resources.sort_by(|a, b| a.uid.cmp(&b.uid));
        }
        self.coverage.sort();
        self.coverage.dedup();
        self.diagnostics.sort();
        self.diagnostics.dedup();
        self.sources.sort();
        self.sources.dedup();
    }

    /// Deterministic JSON (sorted keys, sorted resources), newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("snapshot serializes");
        s.push('\n');
        s
    }

    /// Reads a snapshot file's text, refusing other schema versions.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        let s: Snapshot = serde_json::from_str(text).map_err(SnapshotError::Json)?;
        if s.schema_version != SNAPSHOT_SCHEMA_VERSION {
            return Err(SnapshotError::Version(s.schema_version));
        }
        Ok(s)
    }

    /// Joins snapshots of disjoint parts (the shards of one collection) into one. A resource in
    /// two parts should be the same in both: one that differs is kept twice and reported as an
    /// error (the merged snapshot is then incomplete).
    pub fn merge(parts: Vec<Snapshot>) -> Snapshot {
        let mut out = Snapshot::new(Vec::new());
        let mut seen: BTreeMap<String, Resource> = BTreeMap::new();
        for p in parts {
            out.sources.extend(p.sources);
            out.coverage.extend(p.coverage);
            out.diagnostics.extend(p.diagnostics);
            for r in p.resources {
                match seen.get(&r.uid) {
                    Some(prev) if *prev != r => {
                        out.diagnostics.push(Diagnostic {
                            level: DiagnosticLevel::Error,
                            message: format!(
                                "{} differs between the snapshots merged; both are kept",
                                r.uid
                            ),
                            span: None,
                            column: None,
                        });
                        out.resources.push(r);
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(r.uid.clone(), r);
                    }
                }
            }
        }
        out.resources.extend(seen.into_values());
        out.normalize();
        out
    }

    /// Whether anything failed to be read or collected.
    pub fn is_incomplete(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level == DiagnosticLevel::Error)
            || self
                .coverage
                .iter()
                .any(|c| c.status == CoverageStatus::Error)
    }
}

/// Records each resource's entry (`"uid": …` line) in the snapshot
/// file they were read from, so SARIF has a place for them without the Terraform source.
pub fn locate_entries(resources: &mut [Resource], text: &str, rel: &str) {
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

/// Text from the input, made safe to print in a message: at most 80 characters, control
/// characters (terminal escapes, new lines) written as escapes. Messages quote what they could
/// not read through this, never at length: a file rampart was pointed at may be a secret.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 80;
    let mut out = printable(&text.chars().take(MAX).collect::<String>());
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Text from the input, safe to print on a terminal: control characters (escape sequences,
/// carriage returns, new lines) written as escapes, so that nothing read can move the cursor,
/// recolour the screen or make a link.
pub fn printable(text: &str) -> String {
    // Bidirectional overrides and isolates reorder what follows them on screen ("Trojan
    // Source"): escaped like control characters.
    let hidden =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A UTC timestamp in RFC 3339 to the second (`2026-11-27T13:41:09Z`).
pub fn timestamp(t: time::OffsetDateTime) -> String {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Hex SHA-256 of bytes; used for snapshot, policy bundle and fingerprint digests.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_and_lookup_nested_paths() {
        let mut r = Resource::new("a", "aws_s3_bucket", Origin::default());
        r.set_attribute(
            "versioning.status",
            json!("Disabled"),
            AttributeMeta::aws_default(),
        );
        assert_eq!(r.attribute("versioning.status"), Some(&json!("Disabled")));
        assert_eq!(r.attribute("versioning.mfa_delete"), None);
    }

    #[test]
    fn span_for_falls_back_to_parent_then_block() {
        let block = Span {
            file: "main.tf".into(),
            start_line: 1,
            end_line: 9,
        };
        let mut r = Resource::new(
            "a",
            "aws_s3_bucket",
            Origin {
                span: Some(block.clone()),
                ..Default::default()
            },
        );
        let line = Span {
            file: "main.tf".into(),
            start_line: 3,
            end_line: 5,
        };
        r.attribute_meta.insert(
            "versioning".into(),
            AttributeMeta {
                provenance: Provenance::Explicit,
                span: Some(line.clone()),
                from: None,
            },
        );
        assert_eq!(r.span_for("versioning.status"), Some(&line));
        assert_eq!(r.span_for("logging"), Some(&block));
    }

    #[test]
    fn an_unread_element_of_a_list_leaves_it_a_list() {
        let mut r = Resource::new("u", "aws_iam_user", Origin::default());
        r.attributes = serde_json::json!({"policies": [{"name": "a", "document": {}}]});
        r.set_unread("policies.0.document", "denied");
        r.set_unread("policies.2.document", "denied");
        let list = r.attributes["policies"].as_array().expect("still a list");
        assert_eq!(list.len(), 3);
        assert_eq!(list[0]["name"], "a");
        assert!(is_unknown(&list[0]["document"]) && is_unknown(&list[2]["document"]));
    }

    #[test]
    fn normalize_keeps_different_resources_that_share_an_identity() {
        let a = Resource::new("x", "aws_s3_bucket", Origin::default());
        let mut b = a.clone();
        b.name = "other".into();
        let mut s = Snapshot::new(Vec::new());
        s.resources = vec![a.clone(), b, a];
        s.normalize();
        let uids: Vec<&str> = s.resources.iter().map(|r| r.uid.as_str()).collect();
        assert_eq!(uids, vec!["x", "x#2"], "the same resource twice is one");
        assert_eq!(s.diagnostics.len(), 1);
    }

    #[test]
    fn merging_shards_keeps_and_reports_a_resource_that_differs() {
        let a = Resource::new("x", "aws_s3_bucket", Origin::default());
        let mut b = a.clone();
        b.name = "changed".into();
        let mut one = Snapshot::new(vec!["aws:1".into()]);
        one.resources = vec![a.clone()];
        let mut two = Snapshot::new(vec!["aws:1".into()]);
        two.resources = vec![b, a];
        let merged = Snapshot::merge(vec![one, two]);
        assert_eq!(merged.resources.len(), 2);
        assert!(merged.is_incomplete());
    }

    #[test]
    fn unknown_marker_round_trips() {
        assert!(is_unknown(&unknown("aws_kms_key.k.arn")));
        assert!(!is_unknown(&json!({"a": 1})));
    }

    #[test]
    fn a_value_that_could_not_be_evaluated_is_named_an_error_not_a_later_value() {
        let mut r = Resource::new("x", "aws_s3_bucket", Origin::default());
        r.attributes =
            json!({"bucket": unknown(&format!("{ERROR_PREFIX}function nope() is not supported"))});
        let (path, why) = r.first_unassessable(None).unwrap();
        assert_eq!(path, "bucket");
        assert_eq!(
            why,
            "it could not be evaluated: function nope() is not supported"
        );
    }

    #[test]
    fn ref_address_strips_the_attribute() {
        assert_eq!(ref_address("aws_s3_bucket.b.id"), "aws_s3_bucket.b");
        assert_eq!(
            ref_address("module.m.aws_s3_bucket.b[\"a.b\"].arn"),
            "module.m.aws_s3_bucket.b[\"a.b\"]"
        );
    }
}
