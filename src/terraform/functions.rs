//! Terraform's built-in functions, as real configurations use them. A function given an unknown
//! argument returns unknown (as Terraform does); a wrong argument returns an `error:` unknown.
//!
//! `templatefile` lives in the evaluator, which can evaluate the template with its variables.

use std::collections::BTreeMap;
use std::path::Path;

use super::value::Val;
use super::value::{is_error, values_equal};

pub struct Ctx<'a> {
    /// Directory of the root module: relative paths in `file()` resolve against it.
    pub root_dir: &'a Path,
    /// Files outside this directory are never read.
    pub scan_root: &'a Path,
}

fn err(msg: impl std::fmt::Display) -> Val {
    Val::Unknown(format!("error: {msg}"))
}

pub fn call(name: &str, args: Vec<Val>, ctx: &Ctx) -> Val {
    // try/can inspect unknowns and errors themselves.
    match name {
        "try" => {
            for a in &args {
                if !is_error(a) {
                    return a.clone();
                }
            }
            return err("no argument of try() could be evaluated");
        }
        "can" => {
            return match args.first() {
                Some(a) if is_error(a) => Val::Bool(false),
                Some(Val::Unknown(r)) => Val::Unknown(r.clone()),
                Some(_) => Val::Bool(true),
                None => err("can() takes one argument"),
            };
        }
        "coalesce" => {
            for a in &args {
                match a.plain() {
                    Val::Null => continue,
                    Val::Str(s) if s.is_empty() => continue,
                    Val::Unknown(_) => return a.clone(),
                    _ => return a.clone(),
                }
            }
            return err("coalesce: all arguments are null or empty");
        }
        "sensitive" => {
            return args
                .into_iter()
                .next()
                .map(|v| Val::Sensitive(Box::new(v)))
                .unwrap_or(Val::Null)
        }
        "nonsensitive" => {
            return args
                .into_iter()
                .next()
                .map(|v| v.plain().clone())
                .unwrap_or(Val::Null)
        }
        "timestamp" | "uuid" | "bcrypt" | "plantimestamp" => {
            return Val::unknown(format!("{name}()"))
        }
        // Like a template: known parts stay readable around `${reference}`, so
        // format("arn:aws:iam::%s:role/x", account) keeps the role's name.
        "format" => {
            return match args.first() {
                Some(Val::Str(spec)) => format_spec(spec, &args[1..]),
                Some(u @ Val::Unknown(_)) => u.clone(),
                _ => err("format takes a format string"),
            }
        }
        _ => {}
    }
    // Every other function is strict in unknowns, except collection builders where an unknown
    // element stays an element.
    if !matches!(
        name,
        "tolist"
            | "toset"
            | "tomap"
            | "concat"
            | "merge"
            | "jsonencode"
            | "length"
            | "compact"
            | "flatten"
            | "keys"
            | "values"
            | "element"
            | "lookup"
            | "contains"
            | "distinct"
            | "one"
            | "slice"
            | "reverse"
    ) {
        if let Some(u) = args.iter().find(|a| a.is_unknown()) {
            return u.clone();
        }
    } else if let Some(u) = args.iter().find(|a| matches!(a, Val::Unknown(_))) {
        return u.clone();
    }
    let s = |i: usize| args.get(i).and_then(Val::as_string);
    let n = |i: usize| args.get(i).and_then(Val::as_f64);
    let list = |i: usize| args.get(i).and_then(|v| v.as_list().map(<[Val]>::to_vec));
    match name {
        // Terraform would make the whole string unknown; rampart keeps the document's structure and
        // writes unknown leaves as unknown markers, so a policy with one unknown account id can
        // still be analysed statement by statement.
        "jsonencode" => match args.first() {
            Some(v) => Val::Str(serde_json::to_string(&v.to_json()).unwrap_or_default()),
            None => err("jsonencode takes one argument"),
        },
        "jsondecode" => match s(0) {
            Some(text) => serde_json::from_str(&text)
                .map(|j| Val::from_json(&j))
                .unwrap_or_else(|e| err(format!("jsondecode: {e}"))),
            None => err("jsondecode takes a string"),
        },
        "merge" => {
            let mut out = BTreeMap::new();
            for a in &args {
                match a.plain() {
                    Val::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    Val::Null => {}
                    other => return err(format!("merge: argument is a {}", other.type_name())),
                }
            }
            Val::Map(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                match a.plain() {
                    Val::List(l) => out.extend(l.iter().cloned()),
                    other => return err(format!("concat: argument is a {}", other.type_name())),
                }
            }
            Val::List(out)
        }
        "lookup" => match (args.first().map(Val::plain), s(1)) {
            (Some(Val::Map(m)), Some(k)) => m
                .get(&k)
                .cloned()
                .or_else(|| args.get(2).cloned())
                .unwrap_or_else(|| err(format!("lookup: no key {k:?}"))),
            _ => err("lookup takes a map and a key"),
        },
        "formatlist" => match s(0) {
            Some(spec) => {
                let rest = &args[1..];
                let len = rest
                    .iter()
                    .filter_map(Val::as_list)
                    .map(<[Val]>::len)
                    .max()
                    .unwrap_or(1);
                Val::List(
                    (0..len)
                        .map(|i| {
                            let row: Vec<Val> = rest
                                .iter()
                                .map(|a| match a.as_list() {
                                    Some(l) => l.get(i).cloned().unwrap_or(Val::Null),
                                    None => a.clone(),
                                })
                                .collect();
                            format_spec(&spec, &row)
                        })
                        .collect(),
                )
            }
            None => err("formatlist takes a format string"),
        },
        "join" => match (s(0), list(1)) {
            (Some(sep), Some(l)) => {
                let parts: Option<Vec<String>> = l.iter().map(Val::as_string).collect();
                parts
                    .map(|p| Val::Str(p.join(&sep)))
                    .unwrap_or_else(|| err("join: non-string element"))
            }
            _ => err("join takes a separator and a list"),
        },
        "split" => match (s(0), s(1)) {
            (Some(sep), Some(text)) => Val::List(
                text.split(sep.as_str())
                    .map(|p| Val::Str(p.into()))
                    .collect(),
            ),
            _ => err("split takes a separator and a string"),
        },
        "length" => match args.first().map(Val::plain) {
            Some(Val::List(l)) => Val::Num(l.len() as f64),
            Some(Val::Map(m)) => Val::Num(m.len() as f64),
            Some(Val::Str(s)) => Val::Num(s.chars().count() as f64),
            _ => err("length takes a collection or string"),
        },
        "element" => match (list(0), n(1)) {
            (Some(l), Some(i)) if !l.is_empty() => l[(i as usize) % l.len()].clone(),
            _ => err("element takes a non-empty list and an index"),
        },
        "index" => match (list(0), args.get(1)) {
            (Some(l), Some(v)) => l
                .iter()
                .position(|x| values_equal(x, v))
                .map(|i| Val::Num(i as f64))
                .unwrap_or_else(|| err("index: value not in list")),
            _ => err("index takes a list and a value"),
        },
        "tolist" | "toset" => match args.first().map(Val::plain) {
            Some(Val::List(l)) if name == "toset" => {
                let mut out: Vec<Val> = Vec::new();
                for v in l {
                    if !out.iter().any(|x| values_equal(x, v)) {
                        out.push(v.clone());
                    }
                }
                sort_vals(&mut out);
                Val::List(out)
            }
            Some(Val::List(l)) => Val::List(l.clone()),
            Some(Val::Null) => Val::Null,
            _ => err(format!("{name} takes a list")),
        },
        "tomap" => match args.first().map(Val::plain) {
            Some(Val::Map(m)) => Val::Map(m.clone()),
            _ => err("tomap takes a map"),
        },
        "tostring" => s(0)
            .map(Val::Str)
            .unwrap_or_else(|| err("tostring: not a primitive")),
        "tonumber" => n(0)
            .map(Val::Num)
            .unwrap_or_else(|| err("tonumber: not a number")),
        "tobool" => args
            .first()
            .and_then(Val::as_bool)
            .map(Val::Bool)
            .unwrap_or_else(|| err("tobool: not a bool")),
        "lower" => s(0)
            .map(|x| Val::Str(x.to_lowercase()))
            .unwrap_or_else(|| err("lower takes a string")),
        "upper" => s(0)
            .map(|x| Val::Str(x.to_uppercase()))
            .unwrap_or_else(|| err("upper takes a string")),
        "title" => s(0)
            .map(|x| {
                Val::Str(
                    x.split(' ')
                        .map(|w| {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                                .unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            })
            .unwrap_or_else(|| err("title takes a string")),
        "replace" => match (s(0), s(1), s(2)) {
            (Some(text), Some(from), Some(to)) => {
                if from.len() > 2 && from.starts_with('/') && from.ends_with('/') {
                    match regex::Regex::new(&from[1..from.len() - 1]) {
                        Ok(re) => Val::Str(
                            re.replace_all(&text, go_to_rust_replacement(&to).as_str())
                                .into_owned(),
                        ),
                        Err(e) => err(format!("replace: {e}")),
                    }
                } else {
                    Val::Str(text.replace(&from, &to))
                }
            }
            _ => err("replace takes three strings"),
        },
        "regex" | "regexall" => match (s(0), s(1)) {
            (Some(pat), Some(text)) => match regex::Regex::new(&pat) {
                Ok(re) => {
                    let one = |c: regex::Captures| -> Val {
                        let names: Vec<Option<&str>> = re.capture_names().collect();
                        if names.iter().skip(1).any(Option::is_some) {
                            Val::Map(
                                names
                                    .iter()
                                    .enumerate()
                                    .filter_map(|(i, n)| {
                                        n.map(|n| {
                                            (
                                                n.to_string(),
                                                Val::Str(
                                                    c.get(i).map_or("", |m| m.as_str()).into(),
                                                ),
                                            )
                                        })
                                    })
                                    .collect(),
                            )
                        } else if c.len() > 1 {
                            Val::List(
                                (1..c.len())
                                    .map(|i| Val::Str(c.get(i).map_or("", |m| m.as_str()).into()))
                                    .collect(),
                            )
                        } else {
                            Val::Str(c.get(0).map_or("", |m| m.as_str()).into())
                        }
                    };
                    if name == "regex" {
                        re.captures(&text)
                            .map(one)
                            .unwrap_or_else(|| err("regex: no match"))
                    } else {
                        Val::List(re.captures_iter(&text).map(one).collect())
                    }
                }
                Err(e) => err(format!("{name}: {e}")),
            },
            _ => err(format!("{name} takes a pattern and a string")),
        },
        "contains" => match (list(0), args.get(1)) {
            (Some(l), Some(v)) => Val::Bool(l.iter().any(|x| values_equal(x, v))),
            _ => err("contains takes a list and a value"),
        },
        "keys" => match args.first().map(Val::plain) {
            Some(Val::Map(m)) => Val::List(m.keys().map(|k| Val::Str(k.clone())).collect()),
            _ => err("keys takes a map"),
        },
        "values" => match args.first().map(Val::plain) {
            Some(Val::Map(m)) => Val::List(m.values().cloned().collect()),
            _ => err("values takes a map"),
        },
        "flatten" => match list(0) {
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
            None => err("flatten takes a list"),
        },
        "distinct" => match list(0) {
            Some(l) => {
                let mut out: Vec<Val> = Vec::new();
                for v in l {
                    if !out.iter().any(|x| values_equal(x, &v)) {
                        out.push(v);
                    }
                }
                Val::List(out)
            }
            None => err("distinct takes a list"),
        },
        "compact" => match list(0) {
            Some(l) => Val::List(
                l.into_iter()
                    .filter(|v| !matches!(v.plain(), Val::Null) && v.as_str() != Some(""))
                    .collect(),
            ),
            None => err("compact takes a list"),
        },
        "coalescelist" => args
            .iter()
            .find(|a| a.as_list().is_some_and(|l| !l.is_empty()))
            .cloned()
            .unwrap_or_else(|| err("coalescelist: all lists empty")),
        "one" => match list(0) {
            Some(l) if l.is_empty() => Val::Null,
            Some(l) if l.len() == 1 => l[0].clone(),
            _ => err("one takes a list of at most one element"),
        },
        "slice" => match (list(0), n(1), n(2)) {
            (Some(l), Some(a), Some(b)) if a <= b && (b as usize) <= l.len() => {
                Val::List(l[a as usize..b as usize].to_vec())
            }
            _ => err("slice: bad bounds"),
        },
        "reverse" => list(0)
            .map(|mut l| {
                l.reverse();
                Val::List(l)
            })
            .unwrap_or_else(|| err("reverse takes a list")),
        "sort" => list(0)
            .map(|mut l| {
                sort_vals(&mut l);
                Val::List(l)
            })
            .unwrap_or_else(|| err("sort takes a list")),
        "zipmap" => match (list(0), list(1)) {
            (Some(k), Some(v)) if k.len() == v.len() => Val::Map(
                k.iter()
                    .zip(v)
                    .filter_map(|(k, v)| k.as_string().map(|k| (k, v)))
                    .collect(),
            ),
            _ => err("zipmap takes two lists of equal length"),
        },
        "range" => {
            let (start, end, step) = match args.len() {
                1 => (0.0, n(0).unwrap_or(0.0), 1.0),
                2 => (n(0).unwrap_or(0.0), n(1).unwrap_or(0.0), 1.0),
                _ => (
                    n(0).unwrap_or(0.0),
                    n(1).unwrap_or(0.0),
                    n(2).unwrap_or(1.0),
                ),
            };
            if step == 0.0 || ((end - start) / step) > 100_000.0 {
                return err("range: bad step or too many elements");
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Val::Num(x));
                x += step;
            }
            Val::List(out)
        }
        "min" | "max" => {
            let nums: Option<Vec<f64>> = args.iter().map(Val::as_f64).collect();
            match nums {
                Some(v) if !v.is_empty() => Val::Num(if name == "min" {
                    v.into_iter().fold(f64::INFINITY, f64::min)
                } else {
                    v.into_iter().fold(f64::NEG_INFINITY, f64::max)
                }),
                _ => err(format!("{name} takes numbers")),
            }
        }
        "sum" => list(0)
            .and_then(|l| l.iter().map(Val::as_f64).sum::<Option<f64>>())
            .map(Val::Num)
            .unwrap_or_else(|| err("sum takes a list of numbers")),
        "abs" => n(0)
            .map(|x| Val::Num(x.abs()))
            .unwrap_or_else(|| err("abs takes a number")),
        "ceil" => n(0)
            .map(|x| Val::Num(x.ceil()))
            .unwrap_or_else(|| err("ceil takes a number")),
        "floor" => n(0)
            .map(|x| Val::Num(x.floor()))
            .unwrap_or_else(|| err("floor takes a number")),
        "alltrue" | "anytrue" => {
            match list(0).and_then(|l| l.iter().map(Val::as_bool).collect::<Option<Vec<bool>>>()) {
                Some(b) => Val::Bool(if name == "alltrue" {
                    b.iter().all(|x| *x)
                } else {
                    b.iter().any(|x| *x)
                }),
                None => err(format!("{name} takes a list of bools")),
            }
        }
        "setunion" | "setintersection" | "setsubtract" => {
            let sets: Option<Vec<Vec<Val>>> = (0..args.len()).map(list).collect();
            let Some(sets) = sets else {
                return err(format!("{name} takes lists"));
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
        "trimspace" => s(0)
            .map(|x| Val::Str(x.trim().into()))
            .unwrap_or_else(|| err("trimspace takes a string")),
        "chomp" => s(0)
            .map(|x| Val::Str(x.trim_end_matches(['\n', '\r']).into()))
            .unwrap_or_else(|| err("chomp takes a string")),
        "trim" => match (s(0), s(1)) {
            (Some(x), Some(cut)) => Val::Str(x.trim_matches(|c| cut.contains(c)).into()),
            _ => err("trim takes two strings"),
        },
        "trimprefix" => match (s(0), s(1)) {
            (Some(x), Some(p)) => Val::Str(x.strip_prefix(p.as_str()).unwrap_or(&x).into()),
            _ => err("trimprefix takes two strings"),
        },
        "trimsuffix" => match (s(0), s(1)) {
            (Some(x), Some(p)) => Val::Str(x.strip_suffix(p.as_str()).unwrap_or(&x).into()),
            _ => err("trimsuffix takes two strings"),
        },
        "startswith" => match (s(0), s(1)) {
            (Some(x), Some(p)) => Val::Bool(x.starts_with(&p)),
            _ => err("startswith takes two strings"),
        },
        "endswith" => match (s(0), s(1)) {
            (Some(x), Some(p)) => Val::Bool(x.ends_with(&p)),
            _ => err("endswith takes two strings"),
        },
        "substr" => match (s(0), n(1), n(2)) {
            (Some(x), Some(off), Some(len)) => {
                let chars: Vec<char> = x.chars().collect();
                let start = (off.max(0.0) as usize).min(chars.len());
                let end = if len < 0.0 {
                    chars.len()
                } else {
                    (start + len as usize).min(chars.len())
                };
                Val::Str(chars[start..end].iter().collect())
            }
            _ => err("substr takes a string, an offset and a length"),
        },
        "base64encode" => s(0)
            .map(|x| Val::Str(base64(x.as_bytes())))
            .unwrap_or_else(|| err("base64encode takes a string")),
        "sha256" => s(0)
            .map(|x| Val::Str(crate::model::sha256_hex(x.as_bytes())))
            .unwrap_or_else(|| err("sha256 takes a string")),
        "basename" => s(0)
            .map(|x| Val::Str(x.rsplit('/').next().unwrap_or("").into()))
            .unwrap_or_else(|| err("basename takes a string")),
        "dirname" => s(0)
            .map(|x| Val::Str(x.rsplit_once('/').map_or(".", |(d, _)| d).into()))
            .unwrap_or_else(|| err("dirname takes a string")),
        "abspath" | "pathexpand" => s(0)
            .map(Val::Str)
            .unwrap_or_else(|| err(format!("{name} takes a string"))),
        "cidrsubnet" => match (s(0), n(1), n(2)) {
            (Some(prefix), Some(bits), Some(num)) => cidrsubnet(&prefix, bits as u32, num as u128),
            _ => err("cidrsubnet takes a prefix and two numbers"),
        },
        "cidrhost" => match (s(0), n(1)) {
            (Some(prefix), Some(num)) => cidrhost(&prefix, num as u128),
            _ => err("cidrhost takes a prefix and a number"),
        },
        "file" | "fileexists" | "filebase64" => match s(0) {
            Some(p) => match read_file(&p, ctx) {
                Ok(text) => match name {
                    "file" => Val::Str(text),
                    "filebase64" => Val::Str(base64(text.as_bytes())),
                    _ => Val::Bool(true),
                },
                Err(_) if name == "fileexists" => Val::Bool(false),
                Err(e) => err(e.to_string()),
            },
            None => err(format!("{name} takes a path")),
        },
        _ => err(format!("function {name}() is not supported")),
    }
}

/// Why a file named in the configuration is not read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file({0:?}): {1}")]
    Missing(String, std::io::Error),
    #[error("file({0:?}) is outside the scanned directory; not read")]
    Outside(String),
    /// What the reader said (too large, not text, …).
    #[error("{0}")]
    Unreadable(String),
}

/// Reads a file named in the configuration, only from within the scan root.
pub fn read_file(p: &str, ctx: &Ctx) -> Result<String, FileError> {
    let missing = |e| FileError::Missing(p.to_string(), e);
    let canonical = ctx.root_dir.join(p).canonicalize().map_err(missing)?;
    let root = ctx.scan_root.canonicalize().map_err(missing)?;
    if !canonical.starts_with(&root) {
        return Err(FileError::Outside(p.to_string()));
    }
    crate::input::read_text(&canonical, p).map_err(|d| FileError::Unreadable(d.message))
}

fn sort_vals(v: &mut [Val]) {
    v.sort_by(|a, b| match (a.plain(), b.plain()) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.as_string().cmp(&b.as_string()),
    });
}

fn go_to_rust_replacement(s: &str) -> String {
    // Terraform uses $1 / ${1}, the same syntax as the regex crate.
    s.to_string()
}

fn format_spec(spec: &str, args: &[Val]) -> Val {
    let mut out = String::new();
    let mut unknown = false;
    let mut chars = spec.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut flags = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == '-' || d == '+' || d == '#' || d == ' ' {
                flags.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else {
            return err("format: incomplete verb");
        };
        let Some(arg) = args.get(i) else {
            return err("format: not enough arguments");
        };
        i += 1;
        let text = match verb {
            _ if matches!(arg, Val::Sensitive(_)) => crate::model::REDACTED.to_string(),
            // An error stays an error; an unknown inside a list or map makes it all unknown.
            _ if arg.first_unknown().is_some_and(|r| r.starts_with("error:"))
                || (arg.contains_unknown() && !arg.is_unknown()) =>
            {
                return Val::unknown(arg.first_unknown().unwrap_or("format()"));
            }
            _ if arg.is_unknown() => {
                unknown = true;
                let r = arg.first_unknown().unwrap_or("unknown");
                if r.contains("${") {
                    r.to_string()
                } else {
                    format!("${{{r}}}")
                }
            }
            's' | 'v' => match arg.plain() {
                Val::List(_) | Val::Map(_) => {
                    serde_json::to_string(&arg.to_json()).unwrap_or_default()
                }
                _ => arg.as_string().unwrap_or_default(),
            },
            'q' => format!("{:?}", arg.as_string().unwrap_or_default()),
            'd' => arg
                .as_f64()
                .map(|n| format!("{}", n as i64))
                .unwrap_or_default(),
            't' => arg.as_bool().map(|b| b.to_string()).unwrap_or_default(),
            'f' | 'g' | 'e' => {
                let prec = flags
                    .split('.')
                    .nth(1)
                    .and_then(|p| p.parse::<usize>().ok())
                    .unwrap_or(6);
                arg.as_f64()
                    .map(|n| format!("{n:.prec$}"))
                    .unwrap_or_default()
            }
            'x' => arg
                .as_f64()
                .map(|n| format!("{:x}", n as i64))
                .unwrap_or_default(),
            _ => return err(format!("format: unsupported verb %{verb}")),
        };
        let width: usize = flags
            .split('.')
            .next()
            .and_then(|w| w.trim_start_matches(['-', '+', ' ', '#']).parse().ok())
            .unwrap_or(0);
        if flags.starts_with('-') {
            out.push_str(&format!("{text:<width$}"));
        } else if flags.starts_with('0') && verb == 'd' {
            out.push_str(&format!("{text:0>width$}"));
        } else {
            out.push_str(&format!("{text:>width$}"));
        }
    }
    if unknown {
        Val::Unknown(out)
    } else {
        Val::Str(out)
    }
}

fn cidrsubnet(prefix: &str, newbits: u32, num: u128) -> Val {
    let Ok(net) = prefix.parse::<ipnet::IpNet>() else {
        return err(format!("cidrsubnet: invalid prefix {prefix:?}"));
    };
    let new_len = net.prefix_len() as u32 + newbits;
    match net {
        ipnet::IpNet::V4(n) => {
            if new_len > 32 || num >= (1u128 << newbits) {
                return err("cidrsubnet: not enough address space");
            }
            let base = u32::from(n.network()) as u128;
            let addr = base | (num << (32 - new_len));
            Val::Str(format!(
                "{}/{}",
                std::net::Ipv4Addr::from(addr as u32),
                new_len
            ))
        }
        ipnet::IpNet::V6(n) => {
            if new_len > 128 || (newbits < 128 && num >= (1u128 << newbits)) {
                return err("cidrsubnet: not enough address space");
            }
            let base = u128::from(n.network());
            let shift = 128 - new_len;
            let addr = if shift >= 128 {
                base
            } else {
                base | (num << shift)
            };
            Val::Str(format!("{}/{}", std::net::Ipv6Addr::from(addr), new_len))
        }
    }
}

fn cidrhost(prefix: &str, num: u128) -> Val {
    let Ok(net) = prefix.parse::<ipnet::IpNet>() else {
        return err(format!("cidrhost: invalid prefix {prefix:?}"));
    };
    match net {
        ipnet::IpNet::V4(n) => Val::Str(
            std::net::Ipv4Addr::from((u32::from(n.network()) as u128 + num) as u32).to_string(),
        ),
        ipnet::IpNet::V6(n) => {
            Val::Str(std::net::Ipv6Addr::from(u128::from(n.network()) + num).to_string())
        }
    }
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> (std::path::PathBuf, std::path::PathBuf) {
        (std::env::temp_dir(), std::env::temp_dir())
    }

    fn run(name: &str, args: Vec<Val>) -> Val {
        let (a, b) = ctx();
        call(
            name,
            args,
            &Ctx {
                root_dir: &a,
                scan_root: &b,
            },
        )
    }

    fn st(s: &str) -> Val {
        Val::Str(s.into())
    }

    #[test]
    fn cidrsubnet_matches_terraform() {
        assert_eq!(
            run(
                "cidrsubnet",
                vec![st("10.0.0.0/16"), Val::Num(8.0), Val::Num(2.0)]
            ),
            st("10.0.2.0/24")
        );
        assert_eq!(
            run(
                "cidrsubnet",
                vec![st("10.1.0.0/16"), Val::Num(4.0), Val::Num(15.0)]
            ),
            st("10.1.240.0/20")
        );
        assert_eq!(
            run(
                "cidrsubnet",
                vec![
                    st("fd00:fd12:3456:7890::/56"),
                    Val::Num(16.0),
                    Val::Num(162.0)
                ]
            ),
            st("fd00:fd12:3456:7800:a200::/72")
        );
    }

    #[test]
    fn format_keeps_the_known_parts_around_an_unknown() {
        assert_eq!(
            run(
                "format",
                vec![
                    st("arn:aws:iam::%s:role/x"),
                    Val::unknown("data.aws_caller_identity.current.account_id")
                ]
            ),
            Val::unknown("arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/x")
        );
        assert_eq!(
            run("format", vec![st("%s"), Val::unknown("error: boom")]),
            Val::unknown("error: boom")
        );
    }

    #[test]
    fn format_handles_common_verbs() {
        assert_eq!(
            run("format", vec![st("%s-%03d"), st("a"), Val::Num(7.0)]),
            st("a-007")
        );
        assert_eq!(run("format", vec![st("100%%")]), st("100%"));
    }

    #[test]
    fn try_skips_errors_but_keeps_unknowns() {
        assert_eq!(run("try", vec![Val::unknown("error: x"), st("d")]), st("d"));
        assert_eq!(
            run("try", vec![Val::unknown("aws_kms_key.k.arn"), st("d")]),
            Val::unknown("aws_kms_key.k.arn")
        );
    }

    #[test]
    fn unknown_arguments_propagate() {
        assert_eq!(run("lower", vec![Val::unknown("r")]), Val::unknown("r"));
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn regex_replace_and_toset_sorted() {
        assert_eq!(
            run("replace", vec![st("a-b-c"), st("/-/"), st("_")]),
            st("a_b_c")
        );
        assert_eq!(
            run("toset", vec![Val::List(vec![st("b"), st("a"), st("b")])]),
            Val::List(vec![st("a"), st("b")])
        );
    }
}
