//! Expressions: operators, `for`, function calls, templates and traversals.

use super::*;

impl Evaluator {
    /// Evaluates an expression. A value computed from a secret is a secret (Terraform's rule):
    /// whatever read a sensitive value on the way makes the result sensitive, except object and
    /// list constructors, whose elements carry their own marks, and `nonsensitive()`.
    pub(crate) fn eval(&self, e: &Expression, scope: &Scope) -> Val {
        let d = self.depth.get();
        if d > MAX_DEPTH {
            return Val::error("expression nests too deeply");
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
                    None => Val::error(format!("unknown variable {name}")),
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
                                other => Val::error(format!("condition is {}", describe(&other))),
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
                    _ => Val::error("unsupported operator"),
                }
            }
        }
    }

    fn eval_for(&self, f: &ForExpr, scope: &Scope) -> Val {
        let coll = self.eval(&f.intro.collection_expr, scope);
        let items = match (entries(&coll), coll.plain()) {
            (Some(items), _) => items,
            (None, Val::Null) => return Val::error("for expression over null"),
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
            return Val::error("templatefile takes a path and a map of variables");
        };
        let text = match functions::read_file(&path, ctx) {
            Ok(t) => t,
            Err(e) => return Val::error(e.to_string()),
        };
        let template = match hcl_edit::parser::parse_template(&text) {
            Ok(t) => t,
            Err(e) => return Val::error(format!("templatefile({path:?}): {}", e.message())),
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
                        (None, Val::Unknown(r)) if !r.starts_with(crate::model::ERROR_PREFIX) => {
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
                    .unwrap_or_else(|| Val::error("count.index outside a counted block")),
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
                None => (Val::error("each outside a for_each block"), 1),
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
                None => (Val::error("incomplete data reference"), ops.len()),
            },
            ("module", Some(name)) => self.module_ref(m, name, &ops[1..], scope),
            (t, Some(n)) => {
                self.note_ref(m, format!("{t}.{n}"), &ops[1..], scope);
                (self.resource_value(m, Mode::Managed, t, n), 1)
            }
            (other, None) => (Val::error(format!("unknown reference {other}")), 0),
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
            None => (Val::error(format!("module {name} is not declared")), 1),
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
                        (None, _) => (Val::error(format!("module.{name} index out of range")), 2),
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
                        (None, _) => (Val::error(format!("module.{name} key not found")), 2),
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
