//! Named values: variables (with their types and defaults), locals, outputs.

use super::*;

impl Evaluator {
    pub(super) fn memoized(&self, m: usize, key: String, f: impl FnOnce() -> Val) -> Val {
        match self.memo.borrow().get(&(m, key.clone())) {
            Some(Some(v)) => return v.clone(),
            Some(None) => return Val::error(format!("{key} refers to itself")),
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

    pub(super) fn variable(&self, m: usize, name: &str) -> Val {
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
                return Val::error(format!("variable {name:?} is not declared"));
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

    pub(super) fn local(&self, m: usize, name: &str) -> Val {
        self.memoized(m, format!("local.{name}"), || {
            match self.insts[m].cfg.locals.get(name) {
                Some((e, _)) => self.eval(e, &Scope::module(m)),
                None => Val::error(format!("local.{name} is not declared")),
            }
        })
    }

    pub(super) fn output(&self, m: usize, name: &str) -> Val {
        self.memoized(m, format!("output.{name}"), || {
            match self.insts[m].cfg.outputs.get(name) {
                Some(o) if o.sensitive => {
                    Val::Sensitive(Box::new(self.eval(&o.value, &Scope::module(m))))
                }
                Some(o) => self.eval(&o.value, &Scope::module(m)),
                None => Val::error(format!("output {name:?} is not declared")),
            }
        })
    }

    pub(super) fn module_outputs(&self, m: usize) -> Val {
        let names: Vec<String> = self.insts[m].cfg.outputs.keys().cloned().collect();
        Val::Map(
            names
                .into_iter()
                .map(|n| (n.clone(), self.output(m, &n)))
                .collect(),
        )
    }
}
