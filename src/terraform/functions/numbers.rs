//! Numbers: `min`, `max`, `sum`, `abs`, `ceil`, `floor`.

use super::*;

pub(super) fn call(name: &str, args: &[Val], _: &Ctx) -> Option<Val> {
    let a = Args(args);
    Some(match name {
        "min" | "max" => {
            let nums: Option<Vec<f64>> = args.iter().map(Val::as_f64).collect();
            match nums {
                Some(v) if !v.is_empty() => Val::Num(if name == "min" {
                    v.into_iter().fold(f64::INFINITY, f64::min)
                } else {
                    v.into_iter().fold(f64::NEG_INFINITY, f64::max)
                }),
                _ => Val::error(format!("{name} takes numbers")),
            }
        }
        "sum" => a
            .list(0)
            .and_then(|l| l.iter().map(Val::as_f64).sum::<Option<f64>>())
            .map(Val::Num)
            .unwrap_or_else(|| Val::error("sum takes a list of numbers")),
        "abs" => a
            .n(0)
            .map(|x| Val::Num(x.abs()))
            .unwrap_or_else(|| Val::error("abs takes a number")),
        "ceil" => a
            .n(0)
            .map(|x| Val::Num(x.ceil()))
            .unwrap_or_else(|| Val::error("ceil takes a number")),
        "floor" => a
            .n(0)
            .map(|x| Val::Num(x.floor()))
            .unwrap_or_else(|| Val::error("floor takes a number")),
        _ => return None,
    })
}
