//! Typed values for the per-service models (`crate::aws`): a value that may not be known, and an
//! attribute that says how it got its value. Both serialize to the JSON the rules read, so the
//! snapshot and the Rego input keep one encoding of "unknown" and "secret" whichever source
//! filled the model.

use serde::{Serialize, Serializer};
use serde_json::Value as Json;

use super::{redacted, unknown, AttributeMeta, Provenance, Resource, Span, NOT_READ_PREFIX};

/// A value of the typed model: known, known only after apply (with the reference it comes from,
/// or why it cannot be known), or a secret rampart does not keep (with how it came: `sensitive`
/// or `literal`). Serializes as the value itself, or as the unknown or secret marker.
#[derive(Clone, Debug, PartialEq)]
pub enum Known<T> {
    Value(T),
    Unknown(String),
    Secret(String),
}

impl<T> Known<T> {
    /// The known value converted; unknown and secret stay what they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Known<U> {
        match self {
            Known::Value(v) => Known::Value(f(v)),
            Known::Unknown(r) => Known::Unknown(r),
            Known::Secret(how) => Known::Secret(how),
        }
    }
}

impl<T> From<T> for Known<T> {
    fn from(v: T) -> Self {
        Known::Value(v)
    }
}

impl From<&str> for Known<String> {
    fn from(v: &str) -> Self {
        Known::Value(v.to_string())
    }
}

impl<T: Serialize> Serialize for Known<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Known::Value(v) => v.serialize(s),
            Known::Unknown(reference) => unknown(reference).serialize(s),
            Known::Secret(how) => redacted(how).serialize(s),
        }
    }
}

/// In a generated schema, a value is the value's own schema, or the unknown marker, or the
/// secret marker: what the rules may meet in its place.
#[cfg(test)]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Known<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Known_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = generator.subschema_for::<T>();
        schemars::json_schema!({
            "anyOf": [
                value,
                {
                    "description": "known only after apply, or not read: the reference it comes from, or why",
                    "type": "object",
                    "required": [super::UNKNOWN_KEY],
                    "properties": {(super::UNKNOWN_KEY): {"type": "string"}},
                    "additionalProperties": false
                },
                {
                    "description": "a secret, whose value is not kept: how it came",
                    "type": "object",
                    "required": [super::REDACTED_KEY],
                    "properties": {(super::REDACTED_KEY): {"enum": ["sensitive", "literal"]}},
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// A part of the model as the JSON the rules read.
pub fn to_json(part: impl Serialize) -> Json {
    serde_json::to_value(part).expect("model values serialize")
}

/// One attribute of a resource with how it got its value: the typed form of a value and its
/// [`AttributeMeta`]. A source builds these; [`Resource::put`] writes them.
#[derive(Clone, Debug, PartialEq)]
pub enum Attr<T> {
    /// Set in the configuration or returned by the API.
    Explicit(T),
    /// Not set, or not returned: what AWS does without it.
    Default(T),
    /// The whole value is known only after apply; the reference it comes from.
    Unknown(String),
    /// The source could not be read; why.
    NotRead(String),
}

impl<T> Attr<T> {
    /// What an API returned, or AWS's documented `default` where it returned nothing: an absent
    /// field is never written as if the API had said it.
    pub fn returned(value: Option<T>, default: T) -> Attr<T> {
        match value {
            Some(v) => Attr::Explicit(v),
            None => Attr::Default(default),
        }
    }

    pub fn provenance(&self) -> Provenance {
        match self {
            Attr::Explicit(_) => Provenance::Explicit,
            Attr::Default(_) => Provenance::Default,
            Attr::Unknown(_) => Provenance::Unknown,
            Attr::NotRead(_) => Provenance::NotRead,
        }
    }
}

impl<T: Serialize> Attr<T> {
    /// The attribute as the JSON the rules read.
    pub fn to_json(&self) -> Json {
        match self {
            Attr::Explicit(v) | Attr::Default(v) => to_json(v),
            Attr::Unknown(reference) => unknown(reference),
            Attr::NotRead(why) => unknown(&format!("{NOT_READ_PREFIX}{why}")),
        }
    }
}

impl Resource {
    /// Writes a typed attribute at `path` with its provenance, located at `span` when the
    /// source has lines. A value that is itself unknown is recorded as unknown; an unknown
    /// inside a part (one field of it) stays where it is, for the rules that read that field.
    pub fn put<T: Serialize>(&mut self, path: &str, attr: Attr<T>, span: Option<Span>) {
        let value = attr.to_json();
        let provenance = match attr.provenance() {
            Provenance::Explicit if super::is_unknown(&value) => Provenance::Unknown,
            p => p,
        };
        self.set_attribute(
            path,
            value,
            AttributeMeta {
                provenance,
                span,
                from: None,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{is_redacted, is_unknown, Origin};
    use serde_json::json;

    #[derive(Serialize)]
    struct Part {
        name: Known<String>,
        enabled: Known<bool>,
    }

    #[test]
    fn known_values_serialize_to_the_one_marker_of_each_kind() {
        let part = Part {
            name: Known::Unknown("aws_kms_key.k.arn".into()),
            enabled: Known::Value(true),
        };
        let v = serde_json::to_value(&part).unwrap();
        assert!(is_unknown(&v["name"]));
        assert_eq!(v["enabled"], json!(true));
        let secret: Known<String> = Known::Secret("literal".into());
        assert!(is_redacted(&serde_json::to_value(secret).unwrap()));
    }

    #[test]
    fn an_absent_api_field_is_the_default_never_explicit() {
        let mut r = Resource::new("db", "aws_db_instance", Origin::default());
        r.put("storage_encrypted", Attr::returned(None, false), None);
        r.put("multi_az", Attr::returned(Some(true), false), None);
        assert_eq!(r.attribute("storage_encrypted"), Some(&json!(false)));
        assert_eq!(
            r.meta_for("storage_encrypted").unwrap().provenance,
            Provenance::Default
        );
        assert_eq!(
            r.meta_for("multi_az").unwrap().provenance,
            Provenance::Explicit
        );
    }

    #[test]
    fn an_unknown_field_of_a_part_and_a_not_read_value_are_both_unassessable() {
        let mut r = Resource::new("b", "aws_s3_bucket", Origin::default());
        let part = Part {
            name: Known::Unknown("var.name".into()),
            enabled: Known::Value(false),
        };
        r.put("part", Attr::Explicit(part), None);
        let (path, why) = r.first_unassessable(None).unwrap();
        assert_eq!(path, "part.name");
        assert!(why.contains("after apply"), "{why}");
        r.put::<bool>("part", Attr::NotRead("AccessDenied".into()), None);
        let (path, why) = r.first_unassessable(None).unwrap();
        assert_eq!(path, "part");
        assert!(why.contains("could not be read: AccessDenied"), "{why}");
        assert_eq!(r.meta_for("part").unwrap().provenance, Provenance::NotRead);
    }
}
