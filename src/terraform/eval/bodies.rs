//! Block bodies: attributes and nested blocks (`dynamic` ones too), with the span of each.

use super::*;

impl Evaluator {
    /// Evaluates a block body into an object; nested blocks become lists of objects under their
    /// name. Records the span of each attribute and block by dotted path. For a resource's own
    /// body (`refs` given), also what each top-level attribute, and each element of a list
    /// written out, refers to.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn eval_body(
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
}
