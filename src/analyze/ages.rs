//! Ages, in whole days before the evaluation date, of the timestamps rules judge staleness by.
//! Computed here rather than stored by the importers so that a saved snapshot, judged again later
//! or `--as-of` the night it was taken, ages correctly. Rules read `derived.age_days[<path>]`,
//! keyed by the attribute path of the timestamp.

use crate::model::Resource;
use serde_json::{json, Value as Json};

/// Timestamp attributes per resource type; `[]` marks a list whose items carry the key.
const DATED: &[(&str, &[&str])] = &[
    (
        crate::collect::aws::credential_report::RESOURCE_TYPE,
        &[
            "created",
            "password_last_used",
            "password_last_changed",
            "access_keys[].last_rotated",
            "access_keys[].last_used",
        ],
    ),
    (
        "aws_iam_role",
        &[
            "created",
            "last_used",
            "services_last_accessed[].last_accessed",
        ],
    ),
    (
        "aws_iam_user",
        &["created", "services_last_accessed[].last_accessed"],
    ),
];

pub fn derive(resources: &mut [Resource], today: time::Date) {
    for r in resources.iter_mut() {
        let Some((_, keys)) = DATED.iter().find(|(t, _)| *t == r.resource_type) else {
            continue;
        };
        let mut ages = serde_json::Map::new();
        for key in *keys {
            match key.split_once("[].") {
                None => {
                    if let Some(d) = days(&r.attributes[*key], today) {
                        ages.insert(key.to_string(), json!(d));
                    }
                }
                Some((list, field)) => {
                    let items = r.attributes[list].as_array().into_iter().flatten();
                    for (i, item) in items.enumerate() {
                        if let Some(d) = days(&item[field], today) {
                            ages.insert(format!("{list}.{i}.{field}"), json!(d));
                        }
                    }
                }
            }
        }
        if !ages.is_empty() {
            r.derived["age_days"] = Json::Object(ages);
        }
    }
}

/// Days from an ISO 8601 timestamp (its date part) to `today`.
fn days(v: &Json, today: time::Date) -> Option<i64> {
    let date = crate::model::parse_date(v.as_str()?.get(..10)?).ok()?;
    Some((today - date).whole_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    #[test]
    fn ages_are_days_before_the_evaluation_date() {
        let mut r = Resource::new("u", "aws_iam_user_credentials", Origin::default());
        r.attributes = json!({
            "created": "2025-01-01T00:00:00+00:00",
            "password_last_used": null,
            "access_keys": [{"last_rotated": "2025-02-01T00:00:00+00:00", "last_used": "2026-11-01T23:59:59+00:00"}],
        });
        let mut other = Resource::new("b", "aws_s3_bucket", Origin::default());
        other.attributes = json!({"created": "2025-01-01"});
        let mut rs = [r, other];
        derive(&mut rs, time::macros::date!(2026 - 11 - 27));
        let ages = &rs[0].derived["age_days"];
        assert_eq!(ages["created"], 695);
        assert_eq!(ages["access_keys.0.last_used"], 26);
        assert_eq!(ages["access_keys.0.last_rotated"], 664);
        assert!(ages.get("password_last_used").is_none());
        assert!(rs[1].derived.get("age_days").is_none());
    }
}
