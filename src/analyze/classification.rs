//! Data classification from tags. An untagged data store is treated as FERPA data (fail closed);
//! a read replica inherits from its source, a KMS key from the most sensitive store it encrypts.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use std::collections::HashMap;

use crate::model::Resource;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ClassificationConfig {
    /// Tag keys read, first match wins (case-insensitive).
    pub tag_keys: Vec<String>,
    /// Valid values, most sensitive first.
    pub levels: Vec<String>,
    /// What an untagged data store is treated as.
    pub default_level: String,
    /// What an unlabelled Kubernetes namespace is treated as (`None`: as `default_level`), for
    /// what is asked of a FERPA namespace (default-deny NetworkPolicies, Pod Security labels).
    /// Its workloads are in a FERPA namespace only when it is labelled so (K8S-13).
    #[serde(default)]
    pub namespace_default_level: Option<String>,
}

impl Default for ClassificationConfig {
    fn default() -> Self {
        ClassificationConfig {
            tag_keys: vec!["data-classification".into()],
            levels: vec![
                "ferpa".into(),
                "pii".into(),
                "internal".into(),
                "public".into(),
            ],
            default_level: "ferpa".into(),
            namespace_default_level: None,
        }
    }
}

impl ClassificationConfig {
    fn rank(&self, level: &str) -> usize {
        self.levels.iter().position(|l| l == level).unwrap_or(0)
    }
}

/// The classification tag's key and value.
fn tag_value<'r>(r: &'r Resource, cfg: &ClassificationConfig) -> Option<(&'r str, &'r str)> {
    cfg.tag_keys.iter().find_map(|k| {
        r.tags
            .iter()
            .find(|(tk, _)| tk.eq_ignore_ascii_case(k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    })
}

/// Whether the tags, or the tag `key`, are known only after apply (or could not be read).
fn tag_unknown(r: &Resource, key: Option<&str>) -> bool {
    let unknown = |path: &str| {
        r.attribute_meta.get(path).is_some_and(|m| {
            matches!(
                m.provenance,
                crate::model::Provenance::Unknown | crate::model::Provenance::NotRead
            )
        })
    };
    unknown("tags") || key.is_some_and(|k| unknown(&format!("tags.{k}")))
}

/// Sets `derived.classification`, `derived.classification_source` (`tag`, `default`,
/// `inherited`), `derived.classification_valid`, `derived.data_store`, and `derived.strict` (the
/// resource is at the most sensitive level, e.g. FERPA data, so the strict rule variants apply).
pub fn classify(resources: &mut [Resource], cfg: &ClassificationConfig) {
    for r in resources.iter_mut() {
        let data_store = crate::aws::is_data_store(&r.resource_type);
        let tag = tag_value(r, cfg);
        let (level, source, valid) = match tag {
            // A classification not known until apply (or unread tags): the default level, the
            // most cautious reading; DATA-01 reports it as not assessed.
            _ if data_store && tag_unknown(r, tag.map(|(k, _)| k)) => {
                (json!(cfg.default_level), "unknown", true)
            }
            Some((_, v)) => {
                let l = v.trim().to_ascii_lowercase();
                let valid = cfg.levels.contains(&l);
                (json!(l), "tag", valid)
            }
            None if data_store => (json!(cfg.default_level), "default", true),
            None if r.resource_type == "k8s_namespace" => (
                json!(cfg
                    .namespace_default_level
                    .as_ref()
                    .unwrap_or(&cfg.default_level)),
                "default",
                true,
            ),
            None => (Json::Null, "none", true),
        };
        if !r.derived.is_object() {
            r.derived = json!({});
        }
        r.derived["classification"] = level;
        r.derived["classification_source"] = json!(source);
        r.derived["classification_valid"] = json!(valid);
        r.derived["data_store"] = json!(data_store);
    }
    // A replica without its own tag inherits from its source.
    let by_uid: HashMap<String, Json> = resources
        .iter()
        .map(|r| (r.uid.clone(), r.derived["classification"].clone()))
        .collect();
    for r in resources.iter_mut() {
        if r.derived["classification_source"] != json!("tag") {
            if let Some(src) = r.derived.get("replica_of").and_then(Json::as_str) {
                if let Some(level) = by_uid.get(src).filter(|l| !l.is_null()) {
                    r.derived["classification"] = level.clone();
                    r.derived["classification_source"] = json!("inherited");
                }
            }
        }
    }
    // Kubernetes objects inherit their namespace's classification (its labels).
    let namespaces: HashMap<String, Json> = resources
        .iter()
        .filter(|r| {
            r.resource_type == "k8s_namespace" && r.derived["classification_source"] == json!("tag")
        })
        .map(|r| (r.name.clone(), r.derived["classification"].clone()))
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type.starts_with("k8s_") && r.resource_type != "k8s_namespace")
    {
        if r.derived["classification_source"] == json!("tag") {
            continue;
        }
        if let Some(level) = r
            .attributes
            .get("namespace")
            .and_then(Json::as_str)
            .and_then(|n| namespaces.get(n))
        {
            r.derived["classification"] = level.clone();
            r.derived["classification_source"] = json!("inherited");
        }
    }
    // A key takes the most sensitive classification of the stores it encrypts: named by ARN or
    // id, or by a reference that resolves in the store's root module.
    let mut key_levels: HashMap<(Option<String>, String), String> = HashMap::new();
    for r in resources.iter() {
        let Some(level) = r.derived["classification"].as_str() else {
            continue;
        };
        for path in [
            "server_side_encryption.kms_master_key_id",
            "kms_key_id",
            "server_side_encryption.kms_key_arn",
        ] {
            let Some(k) = r.attribute(path) else { continue };
            let key_ref = match k {
                Json::String(s) => (None, s.clone()),
                other if crate::model::is_unknown(other) => {
                    let reference = other[crate::model::UNKNOWN_KEY]
                        .as_str()
                        .unwrap_or_default();
                    let address = crate::model::ref_address(reference);
                    (r.origin.root.clone(), address.to_string())
                }
                _ => continue,
            };
            let e = key_levels
                .entry(key_ref)
                .or_insert_with(|| level.to_string());
            if cfg.rank(level) < cfg.rank(e) {
                *e = level.to_string();
            }
        }
    }
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "aws_kms_key")
    {
        if r.derived["classification_source"] == json!("tag") {
            continue;
        }
        let level = key_levels
            .get(&(r.origin.root.clone(), r.address().to_string()))
            .or_else(|| {
                let arn = r.origin.arn.clone()?;
                key_levels.get(&(None, arn))
            });
        if let Some(level) = level {
            r.derived["classification"] = json!(level);
            r.derived["classification_source"] = json!("inherited");
        }
    }
    let strictest = cfg
        .levels
        .first()
        .cloned()
        .unwrap_or_else(|| cfg.default_level.clone());
    for r in resources.iter_mut() {
        let strict = r.derived["classification"].as_str() == Some(strictest.as_str());
        r.derived["strict"] = json!(strict);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    #[test]
    fn untagged_store_is_ferpa_and_bad_tag_is_invalid() {
        let mut a = Resource::new("a", "aws_s3_bucket", Origin::default());
        let mut b = Resource::new("b", "aws_s3_bucket", Origin::default());
        b.tags.insert("Data-Classification".into(), "Secret".into());
        let mut c = Resource::new("c", "aws_iam_role", Origin::default());
        c.tags.insert("owner".into(), "x".into());
        let mut rs = vec![a.clone(), b, c];
        classify(&mut rs, &ClassificationConfig::default());
        assert_eq!(rs[0].derived["classification"], "ferpa");
        assert_eq!(rs[0].derived["classification_source"], "default");
        assert_eq!(rs[1].derived["classification_valid"], false);
        assert_eq!(rs[2].derived["classification"], Json::Null);
        a.tags.insert("data-classification".into(), "public".into());
    }
}
