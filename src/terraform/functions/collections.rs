//! Lists, sets and maps: `merge`, `concat`, `lookup`, `length`, `element`, `flatten`, `zipmap`, `range`, the set operations, …

use super::*;

pub(super) fn call(name: &str, args: &[Val], _: &Ctx) -> Option<Val> {
    let a = Args(args);
    Some(match name {
        "merge" => {
            let mut out = BTreeMap::new();
            for a in args {
                match a.plain() {
                    Val::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    Val::Null => {}
                    other => {
                        return Some(Val::error(format!(
                            "merge: argument is a {}",
                            other.type_name()
                        )))
                    }
                }
            }
            Val::Map(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                match a.plain() {
                    Val::List(l) => out.extend(l.iter().cloned()),
                    other => {
                        return Some(Val::error(format!(
                            "concat: argument is a {}",
                            other.type_name()
                        )))
                    }
                }
            }
            Val::List(out)
        }
        "lookup" => match (args.first().map(Val::plain), a.s(1)) {
            (Some(Val::Map(m)), Some(k)) => m
                .get(&k)
                .cloned()
                .or_else(|| args.get(2).cloned())
                .unwrap_or_else(|| Val::error(format!("lookup: no key {k:?}"))),
            _ => Val::error("lookup takes a map and a key"),
        },
        "length" => match args.first().map(Val::plain) {
            Some(Val::List(l)) => Val::Num(l.len() as f64),
            Some(Val::Map(m)) => Val::Num(m.len() as f64),
            Some(Val::Str(s)) => Val::Num(s.chars().count() as f64),
            _ => Val::error("length takes a collection or string"),
        },
        "element" => match (a.list(0), a.n(1)) {
            (Some(l), Some(i)) if !l.is_empty() => l[(i as usize) % l.len()].clone(),
            _ => Val::error("element takes a non-empty list and an index"),
        },
        "index" => match (a.list(0), args.get(1)) {
            (Some(l), Some(v)) => l
                .iter()
                .position(|x| values_equal(x, v))
                .map(|i| Val::Num(i as f64))
                .unwrap_or_else(|| Val::error("index: value not in list")),
            _ => Val::error("index takes a list and a value"),
        },
        "contains" => match (a.list(0), args.get(1)) {
            (Some(l), Some(v)) => Val::Bool(l.iter().any(|x| values_equal(x, v))),
            _ => Val::error("contains takes a list and a value"),
        },
        "keys" => match args.first().map(Val::plain) {
            Some(Val::Map(m)) => Val::List(m.keys().map(|k| Val::Str(k.clone())).collect()),
            _ => Val::error("keys takes a map"),
        },
        "values" => match args.first().map(Val::plain) {
            Some(Val::Map(m)) => Val::List(m.values().cloned().collect()),
            _ => Val::error("values takes a map"),
        },
        "flatten" => match a.list(0) {
            Some(l) => {
                fn flat(l: &[Val], out: &mut Vec<Val>) {
                    for v in l {
                        match v.plain() {
                            Val::List(inner) => flat(inner, out),
                            _ => out.push(v.clone()),
                        }
                    }
                }
                let mut out = Vec::new();
                flat(&l, &mut out);
                Val::List(out)
            }
            None => Val::error("flatten takes a list"),
        },
        "distinct" => match a.list(0) {
            Some(l) => {
                let mut out: Vec<Val> = Vec::new();
                for v in l {
                    if !out.iter().any(|x| values_equal(x, &v)) {
                        out.push(v);
                    }
                }
                Val::List(out)
            }
            None => Val::error("distinct takes a list"),
        },
        "compact" => match a.list(0) {
            Some(l) => Val::List(
                l.into_iter()
                    .filter(|v| !matches!(v.plain(), Val::Null) && v.as_str() != Some(""))
                    .collect(),
            ),
            None => Val::error("compact takes a list"),
        },
        "coalescelist" => args
            .iter()
            .find(|a| a.as_list().is_some_and(|l| !l.is_empty()))
            .cloned()
            .unwrap_or_else(|| Val::error("coalescelist: all lists empty")),
        "one" => match a.list(0) {
            Some(l) if l.is_empty() => Val::Null,
            Some(l) if l.len() == 1 => l[0].clone(),
            _ => Val::error("one takes a list of at most one element"),
        },
        "slice" => match (a.list(0), a.n(1), a.n(2)) {
            (Some(l), Some(a), Some(b)) if a <= b && (b as usize) <= l.len() => {
                Val::List(l[a as usize..b as usize].to_vec())
            }
            _ => Val::error("slice: bad bounds"),
        },
        "reverse" => a
            .list(0)
            .map(|mut l| {
                l.reverse();
                Val::List(l)
            })
            .unwrap_or_else(|| Val::error("reverse takes a list")),
        "sort" => a
            .list(0)
            .map(|mut l| {
                sort_vals(&mut l);
                Val::List(l)
            })
            .unwrap_or_else(|| Val::error("sort takes a list")),
        "zipmap" => match (a.list(0), a.list(1)) {
            (Some(k), Some(v)) if k.len() == v.len() => Val::Map(
                k.iter()
                    .zip(v)
                    .filter_map(|(k, v)| k.as_string().map(|k| (k, v)))
                    .collect(),
            ),
            _ => Val::error("zipmap takes two lists of equal length"),
        },
        "range" => {
            let (start, end, step) = match args.len() {
                1 => (0.0, a.n(0).unwrap_or(0.0), 1.0),
                2 => (a.n(0).unwrap_or(0.0), a.n(1).unwrap_or(0.0), 1.0),
                _ => (
                    a.n(0).unwrap_or(0.0),
                    a.n(1).unwrap_or(0.0),
                    a.n(2).unwrap_or(1.0),
                ),
            };
            if step == 0.0 || ((end - start) / step) > 100_000.0 {
                return Some(Val::error("range: bad step or too many elements"));
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Val::Num(x));
                x += step;
            }
            Val::List(out)
        }
        "alltrue" | "anytrue" => {
            match a
                .list(0)
                .and_then(|l| l.iter().map(Val::as_bool).collect::<Option<Vec<bool>>>())
            {
                Some(b) => Val::Bool(if name == "alltrue" {
                    b.iter().all(|x| *x)
                } else {
                    b.iter().any(|x| *x)
                }),
                None => Val::error(format!("{name} takes a list of bools")),
            }
        }
        "setunion" | "setintersection" | "setsubtract" => {
            let sets: Option<Vec<Vec<Val>>> = (0..args.len()).map(|i| a.list(i)).collect();
            let Some(sets) = sets else {
                return Some(Val::error(format!("{name} takes lists")));
            };
            let mut out: Vec<Val> = sets.first().cloned().unwrap_or_default();
            for s in &sets[1.min(sets.len())..] {
                match name {
                    "setunion" => {
                        for v in s {
                            if !out.iter().any(|x| values_equal(x, v)) {
                                out.push(v.clone());
                            }
                        }
                    }
                    "setintersection" => out.retain(|x| s.iter().any(|v| values_equal(x, v))),
                    _ => out.retain(|x| !s.iter().any(|v| values_equal(x, v))),
                }
            }
            sort_vals(&mut out);
            Val::List(out)
        }
        _ => return None,
    })
}

pub(super) fn sort_vals(v: &mut [Val]) {
    v.sort_by(|a, b| match (a.plain(), b.plain()) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.as_string().cmp(&b.as_string()),
    });
}
