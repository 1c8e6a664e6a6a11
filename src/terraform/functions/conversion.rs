//! Type conversions and JSON: `tolist`, `toset`, `tomap`, `tostring`, `tonumber`, `tobool`, `jsonencode`, `jsondecode`.

use super::*;

pub(super) fn call(name: &str, args: &[Val], _: &Ctx) -> Option<Val> {
    let a = Args(args);
    Some(match name {
        // Terraform would make the whole string unknown; rampart keeps the document's structure and
        // writes unknown leaves as unknown markers, so a policy with one unknown account id can
        // still be analysed statement by statement.
        "jsonencode" => match args.first() {
            Some(v) => Val::Str(serde_json::to_string(&v.to_json()).unwrap_or_default()),
            None => Val::error("jsonencode takes one argument"),
        },
        "jsondecode" => match a.s(0) {
            Some(text) => serde_json::from_str(&text)
                .map(|j| Val::from_json(&j))
                .unwrap_or_else(|e| Val::error(format!("jsondecode: {e}"))),
            None => Val::error("jsondecode takes a string"),
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
            _ => Val::error(format!("{name} takes a list")),
        },
        "tomap" => match args.first().map(Val::plain) {
            Some(Val::Map(m)) => Val::Map(m.clone()),
            _ => Val::error("tomap takes a map"),
        },
        "tostring" => a
            .s(0)
            .map(Val::Str)
            .unwrap_or_else(|| Val::error("tostring: not a primitive")),
        "tonumber" => a
            .n(0)
            .map(Val::Num)
            .unwrap_or_else(|| Val::error("tonumber: not a number")),
        "tobool" => args
            .first()
            .and_then(Val::as_bool)
            .map(Val::Bool)
            .unwrap_or_else(|| Val::error("tobool: not a bool")),
        _ => return None,
    })
}
