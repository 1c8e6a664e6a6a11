//! Terraform values as the evaluator sees them. Lists, tuples and sets are one `List`; maps and
//! objects are one `Map`; a value known only after apply is `Unknown`, carrying the absolute
//! reference it came from.

use serde_json::{Map as JsonMap, Number, Value as Json};
use std::collections::BTreeMap;

use crate::model::{Known, ERROR_PREFIX, UNKNOWN_KEY};

/// Hidden key on a resource instance object: lets attribute lookups that miss produce an unknown
/// naming `address.attribute`. Never leaves the evaluator.
pub(crate) const ADDRESS_KEY: &str = "__address__";

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
    /// Known only after apply (or not evaluable); the string is the reference or a reason.
    Unknown(String),
    /// A secret: from a sensitive variable, output or `sensitive()`, a plan's
    /// `sensitive_values`, or a secret-bearing attribute, or computed from one. Usable for
    /// control flow, never written out.
    Sensitive(Box<Val>),
}

impl Val {
    pub fn unknown(r: impl Into<String>) -> Val {
        Val::Unknown(r.into())
    }

    /// A value that could not be evaluated, and why: unknown wherever it flows, so that no rule
    /// passes on it, and reported as an error (`model::ERROR_PREFIX`).
    pub fn error(why: impl std::fmt::Display) -> Val {
        Val::Unknown(format!("{ERROR_PREFIX}{why}"))
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown(_))
    }

    /// Removes the sensitive wrapper for computation.
    pub fn plain(&self) -> &Val {
        match self {
            Val::Sensitive(v) => v.plain(),
            v => v,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.plain() {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Num(_) => "number",
            Val::Str(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) => "map",
            Val::Unknown(_) => "unknown",
            Val::Sensitive(_) => unreachable!("plain() unwraps"),
        }
    }

    /// The value as text for a name or a label: a secret as `<redacted>`.
    pub fn as_label(&self) -> Option<String> {
        match self {
            Val::Sensitive(_) => Some(crate::model::REDACTED.to_string()),
            v => v.as_string(),
        }
    }

    /// Whether the value is, or holds, a secret.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Val::Sensitive(_) => true,
            Val::List(l) => l.iter().any(Val::contains_sensitive),
            Val::Map(m) => m.values().any(Val::contains_sensitive),
            _ => false,
        }
    }

    /// Terraform's automatic conversion to string (numbers and bools convert).
    pub fn as_string(&self) -> Option<String> {
        match self.plain() {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(format_number(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.plain() {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Terraform's automatic conversion to bool (`"true"`/`"false"` convert).
    pub fn as_bool(&self) -> Option<bool> {
        match self.plain() {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s == "true" => Some(true),
            Val::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// Terraform's automatic conversion to number (numeric strings convert).
    pub fn as_f64(&self) -> Option<f64> {
        match self.plain() {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Val]> {
        match self.plain() {
            Val::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Val>> {
        match self.plain() {
            Val::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Whether the value is, or contains, an unknown.
    pub fn contains_unknown(&self) -> bool {
        match self.plain() {
            Val::Unknown(_) => true,
            Val::List(l) => l.iter().any(Val::contains_unknown),
            Val::Map(m) => m.values().any(Val::contains_unknown),
            _ => false,
        }
    }

    /// The first unknown inside the value, if any.
    pub fn first_unknown(&self) -> Option<&str> {
        match self.plain() {
            Val::Unknown(r) => Some(r),
            Val::List(l) => l.iter().find_map(Val::first_unknown),
            Val::Map(m) => m.values().find_map(Val::first_unknown),
            _ => None,
        }
    }

    /// JSON for the model. Unknowns become the unknown marker; sensitive values are redacted.
    pub fn to_json(&self) -> Json {
        match self {
            Val::Null => Json::Null,
            Val::Bool(b) => Json::Bool(*b),
            Val::Num(n) => number_json(*n),
            Val::Str(s) => Json::String(s.clone()),
            Val::List(l) => Json::Array(l.iter().map(Val::to_json).collect()),
            Val::Map(m) => Json::Object(
                m.iter()
                    .filter(|(k, _)| k.as_str() != ADDRESS_KEY)
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Val::Unknown(r) => {
                let mut m = JsonMap::new();
                m.insert(UNKNOWN_KEY.into(), Json::String(r.clone()));
                Json::Object(m)
            }
            Val::Sensitive(_) => crate::model::redacted("sensitive"),
        }
    }

    pub fn from_json(j: &Json) -> Val {
        match j {
            Json::Null => Val::Null,
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => Val::Str(s.clone()),
            Json::Array(a) => Val::List(a.iter().map(Val::from_json).collect()),
            Json::Object(o) => {
                if let Some(Json::String(r)) = o.get(UNKNOWN_KEY) {
                    return Val::Unknown(r.clone());
                }
                Val::Map(
                    o.iter()
                        .map(|(k, v)| (k.clone(), Val::from_json(v)))
                        .collect(),
                )
            }
        }
    }
}

/// A primitive type of the typed model, converted from a Terraform value as Terraform converts
/// primitives (`"true"` is a bool, `"3"` a number, `3` a string).
pub trait FromVal: Sized {
    const TYPE: &'static str;
    fn convert(v: &Val) -> Option<Self>;
}

impl FromVal for String {
    const TYPE: &'static str = "string";
    fn convert(v: &Val) -> Option<Self> {
        v.as_string()
    }
}

impl FromVal for bool {
    const TYPE: &'static str = "bool";
    fn convert(v: &Val) -> Option<Self> {
        v.as_bool()
    }
}

impl FromVal for i64 {
    const TYPE: &'static str = "whole number";
    fn convert(v: &Val) -> Option<Self> {
        v.as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            .map(|n| n as i64)
    }
}

impl Val {
    /// The value as a typed model value: unknown stays unknown, a secret stays a secret, and a
    /// value of the wrong type (which `terraform plan` would refuse) is unknown, so that no rule
    /// judges it.
    pub fn known<T: FromVal>(&self) -> Known<T> {
        match self {
            Val::Unknown(r) => Known::Unknown(r.clone()),
            Val::Sensitive(_) => Known::Secret("sensitive".into()),
            v => T::convert(v).map(Known::Value).unwrap_or_else(|| {
                Known::Unknown(format!(
                    "a {} where a {} is expected",
                    v.type_name(),
                    T::TYPE
                ))
            }),
        }
    }
}

/// Whether a value is an evaluation error ([`Val::error`]).
pub fn is_error(v: &Val) -> bool {
    matches!(v, Val::Unknown(r) if r.starts_with(ERROR_PREFIX))
}

/// Equality as Terraform compares: numbers by value, numeric strings are not numbers.
pub fn values_equal(a: &Val, b: &Val) -> bool {
    match (a.plain(), b.plain()) {
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && values_equal(v1, v2))
        }
        (x, y) => x == y,
    }
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn number_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Json::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integral_numbers_serialize_as_integers() {
        assert_eq!(Val::Num(3.0).to_json(), json!(3));
        assert_eq!(Val::Num(1.5).to_json(), json!(1.5));
    }

    #[test]
    fn sensitive_values_never_serialize() {
        let v = Val::Sensitive(Box::new(Val::Str("hunter2".into())));
        assert_eq!(v.to_json(), json!({"__redacted__": "sensitive"}));
        assert_eq!(v.as_str(), Some("hunter2"));
    }

    #[test]
    fn typed_values_convert_as_terraform_converts_and_never_guess() {
        assert_eq!(Val::Str("true".into()).known::<bool>(), Known::Value(true));
        assert_eq!(Val::Num(90.0).known::<i64>(), Known::Value(90));
        assert_eq!(Val::Num(3.0).known::<String>(), Known::Value("3".into()));
        assert!(matches!(
            Val::List(vec![]).known::<bool>(),
            Known::Unknown(_)
        ));
        assert!(matches!(Val::Num(1.5).known::<i64>(), Known::Unknown(_)));
        let secret = Val::Sensitive(Box::new(Val::Str("AES256".into())));
        assert!(matches!(secret.known::<String>(), Known::Secret(_)));
    }

    #[test]
    fn unknown_round_trips_through_json() {
        let v = Val::unknown("aws_kms_key.k.arn");
        assert_eq!(Val::from_json(&v.to_json()), v);
    }
}
