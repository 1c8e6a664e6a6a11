//! Resources: expanding a block into its instances, and what a reference to one reads.

use super::*;

impl Evaluator {
    fn find_resource(&self, m: usize, mode: Mode, rtype: &str, name: &str) -> Option<usize> {
        self.insts[m]
            .cfg
            .resources
            .iter()
            .position(|r| r.mode == mode && r.rtype == rtype && r.name == name)
    }

    /// All instances of one block, evaluated once.
    pub(super) fn resource_instances(&self, m: usize, idx: usize) -> Rc<Vec<RawInstance>> {
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
                crate::terraform::secrets::mark(&block.rtype, &mut values);
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
    pub(super) fn literal_paths(
        &self,
        body: &Body,
        scope: &Scope,
    ) -> std::collections::BTreeSet<String> {
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
    pub(super) fn resource_value(&self, m: usize, mode: Mode, rtype: &str, name: &str) -> Val {
        let Some(idx) = self.find_resource(m, mode, rtype, name) else {
            let kind = if mode == Mode::Data { "data." } else { "" };
            return Val::error(format!(
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
                map.insert(
                    "json".into(),
                    crate::terraform::policy_document::render(&ri.values),
                );
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
}
