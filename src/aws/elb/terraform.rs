//! Load balancers and listeners from Terraform, with the WAF web ACL associated with each.

use serde_json::{json, Value as Json};

use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::{blocks, folded_meta, raw, Adapter, Builder};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

pub fn load_balancer(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_lb");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("internal", "internal", json!(false))
        .attr(
            "load_balancer_type",
            "load_balancer_type",
            json!("application"),
        )
        .attr(
            "drop_invalid_header_fields",
            "drop_invalid_header_fields",
            json!(false),
        );
    b.default("waf_web_acl", Json::Null);
    b.finish()
}

pub fn listener(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_lb_listener");
    b.attr("load_balancer_arn", "load_balancer_arn", Json::Null)
        .attr("port", "port", Json::Null)
        .attr("protocol", "protocol", json!("HTTP"))
        .attr("ssl_policy", "ssl_policy", Json::Null);
    let actions: Vec<Json> = blocks(&ri.values, "default_action")
        .into_iter()
        .map(|a| {
            json!({
                "type": raw(a, "type").map(Val::to_json).unwrap_or(Json::Null),
                "redirect_protocol": raw(a, "redirect.0.protocol").map(Val::to_json).unwrap_or(Json::Null),
            })
        })
        .collect();
    b.set("default_actions", Json::Array(actions), "default_action");
    b.finish()
}

/// Folds a WAF web ACL association into the load balancer it protects.
pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    let v = &ri.values;
    match ri.rtype.as_str() {
        "aws_wafv2_web_acl_association" => {
            let Some(t) = a.target(ri, "resource_arn", &["aws_lb"], &["arn"]) else {
                return false;
            };
            let acl = raw(v, "web_acl_arn")
                .map(Val::to_json)
                .unwrap_or(Json::Null);
            let meta = folded_meta(ri, "web_acl_arn", &acl);
            a.get_mut(t).set_attribute("waf_web_acl", acl, meta);
            true
        }
        _ => false,
    }
}
