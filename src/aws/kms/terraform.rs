//! KMS keys from Terraform, with their aliases and key policies folded in.

use serde_json::{json, Value as Json};

use crate::aws::iam::policy::normalize_policy;
use crate::aws::iam::terraform::fold_resource_policy;
use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::{push_folded, raw, Adapter, Builder};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

pub fn kms_key(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_kms_key");
    b.attr("description", "description", Json::Null)
        .attr("key_usage", "key_usage", json!("ENCRYPT_DECRYPT"))
        .attr(
            "customer_master_key_spec",
            "key_spec",
            json!("SYMMETRIC_DEFAULT"),
        )
        .attr("enable_key_rotation", "key_rotation_enabled", json!(false))
        .attr("is_enabled", "enabled", json!(true))
        .attr("multi_region", "multi_region", json!(false));
    b.attr_map("policy", "policy", Json::Null, normalize_policy);
    b.default("aliases", json!([]));
    b.res.derived["customer_managed"] = json!(true);
    b.finish()
}

/// Folds aliases and key policies into the key they name.
pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    let v = &ri.values;
    match ri.rtype.as_str() {
        "aws_kms_alias" => {
            let Some(t) = a.target(ri, "target_key_id", &["aws_kms_key"], &["key_id", "arn"])
            else {
                return false;
            };
            let name = raw(v, "name").map(Val::to_json).unwrap_or(Json::Null);
            push_folded(a.get_mut(t), "aliases", name, ri);
            true
        }
        "aws_kms_key_policy" => {
            let t = a.target(ri, "key_id", &["aws_kms_key"], &["key_id", "arn"]);
            fold_resource_policy(a, ri, t, "policy")
        }
        _ => false,
    }
}
