//! Adapters from evaluated Terraform instances to the normalized model.
//!
//! Split resources (`aws_s3_bucket_versioning`, `aws_security_group_rule`,
//! `aws_iam_role_policy_attachment`, …) are folded into the resource they configure, so the model
//! looks like what the live API returns and one rule covers both. Attributes the configuration
//! does not set get today's AWS default, marked as such.

use serde_json::{json, Value as Json};
use std::collections::HashMap;

use super::config::Mode;
use super::eval::RawInstance;
use super::value::{FromVal, Val};
use crate::model::{
    ref_address, Attr, AttributeMeta, Known, Origin, Provenance, Resource, SourceKind, Span,
};

/// Builds model resources from instances; `source` is `terraform` or `terraform-plan`.
pub fn adapt(instances: &[RawInstance], source: SourceKind) -> Vec<Resource> {
    let mut a = Adapter {
        instances,
        source,
        resources: Vec::new(),
        index: HashMap::new(),
    };
    // Primary resources first, so split resources find what they fold into.
    for ri in instances.iter().filter(|r| r.mode == Mode::Managed) {
        if let Some(r) = a.primary(ri) {
            a.push(r);
        }
    }
    for ri in instances.iter().filter(|r| r.mode == Mode::Managed) {
        if !a.fold(ri) && !a.index.contains_key(ri.address.as_str()) {
            // Not a type the rules read and not folded anywhere: keep it generically so the
            // snapshot still shows it.
            let mut b = Builder::new(ri, source, &ri.rtype);
            b.copy_all();
            a.push(b.finish());
        }
    }
    a.finish_derived();
    attach_inline_suppressions(&mut a.resources, instances);
    a.resources
}

/// Attaches `rampart:ignore` comments to resources: those in the resource's own block and in the
/// blocks of split resources folded into it.
fn attach_inline_suppressions(resources: &mut [Resource], instances: &[RawInstance]) {
    let by_address: HashMap<&str, &RawInstance> =
        instances.iter().map(|r| (r.address.as_str(), r)).collect();
    for r in resources.iter_mut() {
        let Some(own) = r.origin.address.as_deref() else {
            continue;
        };
        let mut addresses: Vec<&str> = vec![own];
        addresses.extend(r.attribute_meta.values().filter_map(|m| m.from.as_deref()));
        addresses.sort_unstable();
        addresses.dedup();
        let mut found = Vec::new();
        for addr in addresses {
            let Some(ri) = by_address.get(addr) else {
                continue;
            };
            for (line, text) in &ri.directives {
                found.extend(crate::suppress::parse_inline(text, &ri.span.file, *line));
            }
        }
        r.inline_suppressions = found;
    }
}

pub(crate) struct Adapter<'a> {
    instances: &'a [RawInstance],
    pub(crate) source: SourceKind,
    pub(crate) resources: Vec<Resource>,
    /// Resources by Terraform address (within the one root module being adapted).
    pub(crate) index: HashMap<String, usize>,
}

impl<'a> Adapter<'a> {
    pub(crate) fn push(&mut self, r: Resource) {
        let address = r.origin.address.clone().unwrap_or_else(|| r.uid.clone());
        self.index.insert(address, self.resources.len());
        self.resources.push(r);
    }

    fn primary(&self, ri: &RawInstance) -> Option<Resource> {
        let adapt = crate::aws::resource_type(&ri.rtype)?.terraform?;
        Some(adapt(ri, self.source))
    }

    /// Folds a split resource into its target; returns whether `ri` is a split resource.
    fn fold(&mut self, ri: &RawInstance) -> bool {
        crate::aws::fold(self, ri)
    }

    /// The resource of `rtype` that the attribute `path` of `ri` points at: the resource its
    /// expression refers to (`role = aws_iam_role.app.name`), else the one its value names.
    pub(crate) fn target(
        &self,
        ri: &RawInstance,
        path: &str,
        rtypes: &[&str],
        name_attrs: &[&str],
    ) -> Option<usize> {
        let by_ref = ri.refs.get(path).and_then(|refs| {
            let found: Vec<usize> = refs
                .iter()
                .filter_map(|a| self.by_address(a, rtypes))
                .collect();
            match found.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        });
        by_ref.or_else(|| self.find(raw(&ri.values, path)?, rtypes, name_attrs))
    }

    /// The resource of `rtype` at an address (`aws_iam_role.app`, or one instance of it); a
    /// reference to a block with several instances names none of them.
    fn by_address(&self, address: &str, rtypes: &[&str]) -> Option<usize> {
        let of_type = |&i: &usize| rtypes.contains(&self.resources[i].resource_type.as_str());
        if let Some(i) = self.index.get(address).copied().filter(of_type) {
            return Some(i);
        }
        let mut instances = self.resources.iter().enumerate().filter(|(i, r)| {
            of_type(i)
                && r.origin
                    .address
                    .as_deref()
                    .and_then(|a| a.strip_prefix(address))
                    .is_some_and(|rest| rest.starts_with('['))
        });
        match (instances.next(), instances.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    /// The resource of `rtype` that a reference or a name points at.
    pub(crate) fn find(&self, v: &Val, rtypes: &[&str], name_attrs: &[&str]) -> Option<usize> {
        match v.plain() {
            Val::Unknown(r) => self.by_address(ref_address(r), rtypes).or_else(|| {
                // A name known only after apply, written the same way where it is declared.
                let mut same = self.resources.iter().enumerate().filter(|(_, x)| {
                    rtypes.contains(&x.resource_type.as_str())
                        && name_attrs.iter().any(|a| {
                            x.attribute(a).is_some_and(|n| {
                                crate::model::is_unknown(n) && crate::model::text_of(n) == *r
                            })
                        })
                });
                match (same.next(), same.next()) {
                    (Some((i, _)), None) => Some(i),
                    _ => None,
                }
            }),
            Val::Str(s) => self.resources.iter().position(|r| {
                rtypes.contains(&r.resource_type.as_str())
                    && (r.name == *s
                        || name_attrs
                            .iter()
                            .any(|a| r.attribute(a).and_then(Json::as_str) == Some(s.as_str())))
            }),
            _ => None,
        }
    }

    /// The evaluated instance a resource was built from.
    pub(crate) fn instance_of(&self, i: usize) -> Option<&'a RawInstance> {
        let address = self.resources[i].origin.address.as_deref()?;
        self.instances.iter().find(|ri| ri.address == address)
    }

    pub(crate) fn get_mut(&mut self, i: usize) -> &mut Resource {
        &mut self.resources[i]
    }

    pub(crate) fn resource(&self, i: usize) -> &Resource {
        &self.resources[i]
    }

    fn finish_derived(&mut self) {
        crate::aws::derive(self);
    }

    pub(crate) fn instances(&self) -> &'a [RawInstance] {
        self.instances
    }
}

/// Looks up a dotted path in a raw value; a numeric segment on an object (JSON syntax, where a
/// block is written as an object) reads the object itself.
pub(crate) fn raw<'v>(v: &'v Val, path: &str) -> Option<&'v Val> {
    if path.is_empty() {
        return Some(v);
    }
    path.split('.')
        .try_fold(v, |v, seg| match v.plain() {
            Val::Map(m) => match seg.parse::<usize>() {
                Ok(0) if !m.contains_key(seg) => Some(v),
                _ => m.get(seg),
            },
            Val::List(l) => seg.parse::<usize>().ok().and_then(|i| l.get(i)),
            _ => None,
        })
        .filter(|v| !matches!(v, Val::Null))
}

/// The elements of a nested block (a list of objects, or one object in JSON syntax).
pub(crate) fn blocks<'v>(v: &'v Val, path: &str) -> Vec<&'v Val> {
    match raw(v, path).map(Val::plain) {
        Some(Val::List(l)) => l.iter().collect(),
        Some(m @ Val::Map(_)) => vec![m],
        _ => Vec::new(),
    }
}

/// Builds one model resource from one instance, tracking provenance and spans.
pub(crate) struct Builder<'r> {
    pub ri: &'r RawInstance,
    pub res: Resource,
}

impl<'r> Builder<'r> {
    pub fn new(ri: &'r RawInstance, source: SourceKind, rtype: &str) -> Self {
        let origin = Origin {
            source,
            span: Some(ri.span.clone()),
            address: Some(ri.address.clone()),
            root: Some(ri.root.clone()),
            arn: None,
            api_call: None,
            entry: None,
        };
        let mut res = Resource::new(ri.uid(), rtype, origin);
        res.name = ri.name.clone();
        let (tags_path, tags) = match raw(&ri.values, "tags_all") {
            Some(t) => ("tags_all", Some(t)),
            None => ("tags", raw(&ri.values, "tags")),
        };
        match tags.map(Val::plain) {
            Some(Val::Map(m)) => {
                for (k, v) in m {
                    // A tag whose value is known only after apply keeps the reference as its
                    // text, and says so in its meta.
                    let text = match v {
                        Val::Sensitive(_) => crate::model::REDACTED.to_string(),
                        Val::Unknown(r) => r.clone(),
                        other => match other.as_string() {
                            Some(s) => s,
                            None => continue,
                        },
                    };
                    let provenance = if v.is_unknown() {
                        Provenance::Unknown
                    } else {
                        Provenance::Explicit
                    };
                    res.attribute_meta.insert(
                        format!("tags.{k}"),
                        AttributeMeta {
                            provenance,
                            span: span_for(ri, &format!("{tags_path}.{k}")),
                            from: None,
                        },
                    );
                    res.tags.insert(k.clone(), text);
                }
            }
            Some(Val::Unknown(_)) => {
                res.attribute_meta.insert(
                    "tags".into(),
                    AttributeMeta {
                        provenance: Provenance::Unknown,
                        span: span_for(ri, tags_path),
                        from: None,
                    },
                );
            }
            _ => {}
        }
        Builder { ri, res }
    }

    /// Uses the value at `name_path` as the resource's human name when it is known.
    pub fn name_from(&mut self, name_path: &str) -> &mut Self {
        if let Some(n) = self.raw(name_path).and_then(Val::as_label) {
            self.res.name = n;
        }
        self
    }

    pub fn raw(&self, path: &str) -> Option<&'r Val> {
        raw(&self.ri.values, path)
    }

    /// Copies the value at `raw_path` to `path`, or sets `default` marked as the AWS default.
    pub fn attr(&mut self, raw_path: &str, path: &str, default: Json) -> &mut Self {
        match self.raw(raw_path) {
            Some(v) => {
                let meta = meta_for(self.ri, raw_path, v);
                self.res.set_attribute(path, v.to_json(), meta);
            }
            None => self.default(path, default),
        }
        self
    }

    /// Like [`Builder::attr`] with a conversion of the raw value.
    pub fn attr_map(
        &mut self,
        raw_path: &str,
        path: &str,
        default: Json,
        f: impl Fn(&Val) -> Json,
    ) -> &mut Self {
        match self.raw(raw_path) {
            Some(v) if v.is_unknown() => {
                let meta = meta_for(self.ri, raw_path, v);
                self.res.set_attribute(path, v.to_json(), meta);
            }
            Some(v) => {
                let meta = meta_for(self.ri, raw_path, v);
                self.res.set_attribute(path, f(v), meta);
            }
            None => self.default(path, default),
        }
        self
    }

    /// Writes a typed attribute of the service model, located at `raw_path`'s span unless it is
    /// AWS's default (which no line sets).
    pub fn put<T: serde::Serialize>(&mut self, path: &str, attr: Attr<T>, raw_path: &str) {
        let span = match attr {
            Attr::Default(_) => None,
            _ => span_for(self.ri, raw_path),
        };
        self.res.put(path, attr, span);
    }

    /// Locates each element `i` of the list attribute `path` at `raw_paths[i]`, so a finding about
    /// one element points at the block that wrote it.
    pub fn element_spans(&mut self, path: &str, raw_paths: &[String]) {
        for (i, raw_path) in raw_paths.iter().enumerate() {
            // An element the configuration does not write (an AMI's root volume) keeps the
            // list's location.
            let Some(span) = span_for(self.ri, raw_path) else {
                continue;
            };
            let meta = AttributeMeta {
                provenance: Provenance::Explicit,
                span: Some(span),
                from: None,
            };
            self.res.attribute_meta.insert(format!("{path}.{i}"), meta);
        }
    }

    pub fn default(&mut self, path: &str, default: Json) {
        self.res
            .set_attribute(path, default, AttributeMeta::aws_default());
    }

    /// Sets a value computed from the configuration, located at `raw_path`'s span.
    pub fn set(&mut self, path: &str, value: Json, raw_path: &str) {
        let prov = if crate::model::is_unknown(&value) {
            Provenance::Unknown
        } else {
            Provenance::Explicit
        };
        let span = span_for(self.ri, raw_path);
        self.res.set_attribute(
            path,
            value,
            AttributeMeta {
                provenance: prov,
                span,
                from: None,
            },
        );
    }

    /// Copies every attribute as is (for types without a dedicated adapter).
    pub fn copy_all(&mut self) {
        if let Some(m) = self.ri.values.as_map() {
            for (k, v) in m {
                if k == "tags" || k == "tags_all" {
                    continue;
                }
                let meta = meta_for(self.ri, k, v);
                self.res.set_attribute(k, v.to_json(), meta);
            }
        }
    }

    /// The resource, with its secret-bearing attributes there as secrets (so a rule can tell a
    /// secret is set), each written in the configuration itself marked `literal`.
    pub fn finish(mut self) -> Resource {
        for key in crate::terraform::secrets::secret_attributes(&self.ri.rtype) {
            if self.res.attributes.get(key).is_none() {
                if let Some(v) = self.raw(key) {
                    let meta = meta_for(self.ri, key, v);
                    self.res.set_attribute(key, v.to_json(), meta);
                }
            }
        }
        for path in &self.ri.literals {
            if let Some(v) = value_at_mut(&mut self.res.attributes, path) {
                mark_literal_secrets(v);
            }
        }
        let found = crate::terraform::secrets::hardcoded(
            &self.ri.rtype,
            &self.ri.values,
            &self.ri.literals,
        );
        if !found.is_empty() {
            self.res.derived["hardcoded_secrets"] = Json::Array(found);
        }
        self.res
    }
}

/// The value at a dotted path (`environment.0.variables`), where a numeric segment of a block
/// written as an object (JSON syntax) reads the object itself.
fn value_at_mut<'v>(v: &'v mut Json, path: &str) -> Option<&'v mut Json> {
    path.split('.').try_fold(v, |v, seg| match v {
        Json::Object(m) if seg.parse::<usize>().is_ok() && !m.contains_key(seg) => Some(v),
        Json::Object(m) => m.get_mut(seg),
        Json::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

/// Marks the secrets within a value written in the configuration as `literal`.
fn mark_literal_secrets(v: &mut Json) {
    if crate::model::is_redacted(v) {
        *v = crate::model::redacted("literal");
        return;
    }
    match v {
        Json::Array(a) => a.iter_mut().for_each(mark_literal_secrets),
        Json::Object(m) => m.values_mut().for_each(mark_literal_secrets),
        _ => {}
    }
}

/// The span of a raw path, or of its closest parent with one.
pub(crate) fn span_for(ri: &RawInstance, raw_path: &str) -> Option<Span> {
    let mut p = raw_path;
    loop {
        if let Some(s) = ri.attr_spans.get(p) {
            return Some(s.clone());
        }
        match p.rfind('.') {
            Some(i) => p = &p[..i],
            None => return None,
        }
    }
}

pub(crate) fn meta_for(ri: &RawInstance, raw_path: &str, v: &Val) -> AttributeMeta {
    AttributeMeta {
        provenance: if v.is_unknown() {
            Provenance::Unknown
        } else {
            Provenance::Explicit
        },
        span: span_for(ri, raw_path),
        from: None,
    }
}

/// Meta for a value folded in from a split resource.
pub(crate) fn folded_meta(ri: &RawInstance, raw_path: &str, v: &Json) -> AttributeMeta {
    AttributeMeta {
        provenance: if crate::model::is_unknown(v) {
            Provenance::Unknown
        } else {
            Provenance::Explicit
        },
        span: span_for(ri, raw_path).or_else(|| Some(ri.span.clone())),
        from: Some(ri.address.clone()),
    }
}

/// Appends `item` to the list attribute `list` with its meta (for a value folded in from a split
/// resource, which one: every split resource is accounted for in what it configures). A list
/// that is itself unknown stays in the list as an unknown element beside what is added.
pub(crate) fn push_with_meta(res: &mut Resource, list: &str, item: Json, meta: AttributeMeta) {
    let entry = &mut res.attributes[list];
    if !entry.is_array() {
        *entry = match entry.take() {
            Json::Null => json!([]),
            unknown if crate::model::is_unknown(&unknown) => json!([unknown]),
            _ => json!([]),
        };
    }
    let arr = entry.as_array_mut().expect("a list");
    arr.push(item);
    let path = format!("{list}.{}", arr.len() - 1);
    res.attribute_meta.insert(path, meta);
}

/// Appends a value folded in from the split resource `ri` to the list attribute `list`.
pub(crate) fn push_folded(res: &mut Resource, list: &str, item: Json, ri: &RawInstance) {
    let meta = folded_meta(ri, "", &item);
    push_with_meta(res, list, item, meta);
}

/// The typed model value of an attribute that may be absent (see [`Val::known`]).
pub(crate) fn known<T: FromVal>(v: Option<&Val>) -> Option<Known<T>> {
    v.map(Val::known)
}

pub(crate) fn str_list(v: Option<&Val>) -> Json {
    match v.map(Val::plain) {
        Some(Val::List(l)) => Json::Array(l.iter().map(Val::to_json).collect()),
        Some(Val::Unknown(r)) => crate::model::unknown(r),
        Some(Val::Str(s)) => json!([s]),
        _ => json!([]),
    }
}
