//! Strings: `join`, `split`, `replace`, `regex`, `formatlist`, the trims, case, `substr`, …

use super::*;

pub(super) fn call(name: &str, args: &[Val], _: &Ctx) -> Option<Val> {
    let a = Args(args);
    Some(match name {
        "formatlist" => match a.s(0) {
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
            None => Val::error("formatlist takes a format string"),
        },
        "join" => match (a.s(0), a.list(1)) {
            (Some(sep), Some(l)) => {
                let parts: Option<Vec<String>> = l.iter().map(Val::as_string).collect();
                parts
                    .map(|p| Val::Str(p.join(&sep)))
                    .unwrap_or_else(|| Val::error("join: non-string element"))
            }
            _ => Val::error("join takes a separator and a list"),
        },
        "split" => match (a.s(0), a.s(1)) {
            (Some(sep), Some(text)) => Val::List(
                text.split(sep.as_str())
                    .map(|p| Val::Str(p.into()))
                    .collect(),
            ),
            _ => Val::error("split takes a separator and a string"),
        },
        "lower" => a
            .s(0)
            .map(|x| Val::Str(x.to_lowercase()))
            .unwrap_or_else(|| Val::error("lower takes a string")),
        "upper" => a
            .s(0)
            .map(|x| Val::Str(x.to_uppercase()))
            .unwrap_or_else(|| Val::error("upper takes a string")),
        "title" => a
            .s(0)
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
            .unwrap_or_else(|| Val::error("title takes a string")),
        "replace" => match (a.s(0), a.s(1), a.s(2)) {
            (Some(text), Some(from), Some(to)) => {
                if from.len() > 2 && from.starts_with('/') && from.ends_with('/') {
                    match regex::Regex::new(&from[1..from.len() - 1]) {
                        Ok(re) => Val::Str(
                            re.replace_all(&text, go_to_rust_replacement(&to).as_str())
                                .into_owned(),
                        ),
                        Err(e) => Val::error(format!("replace: {e}")),
                    }
                } else {
                    Val::Str(text.replace(&from, &to))
                }
            }
            _ => Val::error("replace takes three strings"),
        },
        "regex" | "regexall" => match (a.s(0), a.s(1)) {
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
                            .unwrap_or_else(|| Val::error("regex: no match"))
                    } else {
                        Val::List(re.captures_iter(&text).map(one).collect())
                    }
                }
                Err(e) => Val::error(format!("{name}: {e}")),
            },
            _ => Val::error(format!("{name} takes a pattern and a string")),
        },
        "trimspace" => a
            .s(0)
            .map(|x| Val::Str(x.trim().into()))
            .unwrap_or_else(|| Val::error("trimspace takes a string")),
        "chomp" => a
            .s(0)
            .map(|x| Val::Str(x.trim_end_matches(['\n', '\r']).into()))
            .unwrap_or_else(|| Val::error("chomp takes a string")),
        "trim" => match (a.s(0), a.s(1)) {
            (Some(x), Some(cut)) => Val::Str(x.trim_matches(|c| cut.contains(c)).into()),
            _ => Val::error("trim takes two strings"),
        },
        "trimprefix" => match (a.s(0), a.s(1)) {
            (Some(x), Some(p)) => Val::Str(x.strip_prefix(p.as_str()).unwrap_or(&x).into()),
            _ => Val::error("trimprefix takes two strings"),
        },
        "trimsuffix" => match (a.s(0), a.s(1)) {
            (Some(x), Some(p)) => Val::Str(x.strip_suffix(p.as_str()).unwrap_or(&x).into()),
            _ => Val::error("trimsuffix takes two strings"),
        },
        "startswith" => match (a.s(0), a.s(1)) {
            (Some(x), Some(p)) => Val::Bool(x.starts_with(&p)),
            _ => Val::error("startswith takes two strings"),
        },
        "endswith" => match (a.s(0), a.s(1)) {
            (Some(x), Some(p)) => Val::Bool(x.ends_with(&p)),
            _ => Val::error("endswith takes two strings"),
        },
        "substr" => match (a.s(0), a.n(1), a.n(2)) {
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
            _ => Val::error("substr takes a string, an offset and a length"),
        },
        _ => return None,
    })
}

pub(super) fn go_to_rust_replacement(s: &str) -> String {
    // Terraform uses $1 / ${1}, the same syntax as the regex crate.
    s.to_string()
}

pub(super) fn format_spec(spec: &str, args: &[Val]) -> Val {
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
            return Val::error("format: incomplete verb");
        };
        let Some(arg) = args.get(i) else {
            return Val::error("format: not enough arguments");
        };
        i += 1;
        let text = match verb {
            _ if matches!(arg, Val::Sensitive(_)) => crate::model::REDACTED.to_string(),
            // An error stays an error; an unknown inside a list or map makes it all unknown.
            _ if arg
                .first_unknown()
                .is_some_and(|r| r.starts_with(crate::model::ERROR_PREFIX))
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
            _ => return Val::error(format!("format: unsupported verb %{verb}")),
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
