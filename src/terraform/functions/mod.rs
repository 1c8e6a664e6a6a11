//! Terraform's built-in functions, as real configurations use them. A function given an unknown
//! argument returns unknown (as Terraform does); a wrong argument returns an `error:` unknown.
//!
//! `templatefile` lives in the evaluator, which can evaluate the template with its variables.

use std::collections::BTreeMap;
use std::path::Path;

use super::value::Val;
use super::value::{is_error, values_equal};

mod collections;
mod conversion;
mod encoding;
mod files;
mod network;
mod numbers;
mod strings;

use collections::sort_vals;
use encoding::base64;
pub use files::{read_file, FileError};
use strings::format_spec;

/// A call's arguments, read as Terraform converts them.
struct Args<'a>(&'a [Val]);

impl Args<'_> {
    fn s(&self, i: usize) -> Option<String> {
        self.0.get(i).and_then(Val::as_string)
    }

    fn n(&self, i: usize) -> Option<f64> {
        self.0.get(i).and_then(Val::as_f64)
    }

    fn list(&self, i: usize) -> Option<Vec<Val>> {
        self.0.get(i).and_then(|v| v.as_list().map(<[Val]>::to_vec))
    }
}

pub struct Ctx<'a> {
    /// Directory of the root module: relative paths in `file()` resolve against it.
    pub root_dir: &'a Path,
    /// Files outside this directory are never read.
    pub scan_root: &'a Path,
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
            return Val::error("no argument of try() could be evaluated");
        }
        "can" => {
            return match args.first() {
                Some(a) if is_error(a) => Val::Bool(false),
                Some(Val::Unknown(r)) => Val::Unknown(r.clone()),
                Some(_) => Val::Bool(true),
                None => Val::error("can() takes one argument"),
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
            return Val::error("coalesce: all arguments are null or empty");
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
                _ => Val::error("format takes a format string"),
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
    let families = [
        conversion::call,
        collections::call,
        strings::call,
        numbers::call,
        encoding::call,
        files::call,
        network::call,
    ];
    families
        .iter()
        .find_map(|call| call(name, &args, ctx))
        .unwrap_or_else(|| Val::error(format!("function {name}() is not supported")))
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
            run("format", vec![st("%s"), Val::error("boom")]),
            Val::error("boom")
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
        assert_eq!(run("try", vec![Val::error("x"), st("d")]), st("d"));
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
