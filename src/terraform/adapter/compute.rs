//! EBS, CloudTrail, EKS, load balancers and log groups.

use serde_json::{json, Value as Json};

use super::{blocks, raw, str_list, Builder};
use crate::model::Resource;
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

pub fn ebs_volume(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_ebs_volume");
    // Unset `encrypted` follows the account's EBS encryption-by-default setting; the rule looks
    // at that setting when the configuration declares it.
    b.attr("encrypted", "encrypted", Json::Null)
        .attr("kms_key_id", "kms_key_id", Json::Null)
        .attr("availability_zone", "availability_zone", Json::Null);
    b.finish()
}

pub fn ebs_default(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_ebs_encryption_by_default");
    b.attr("enabled", "enabled", json!(true));
    b.finish()
}

pub fn cloudtrail(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_cloudtrail");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr(
            "is_multi_region_trail",
            "is_multi_region_trail",
            json!(false),
        )
        .attr("enable_logging", "is_logging", json!(true))
        .attr(
            "include_global_service_events",
            "include_global_service_events",
            json!(true),
        )
        .attr(
            "enable_log_file_validation",
            "log_file_validation_enabled",
            json!(false),
        )
        .attr("kms_key_id", "kms_key_id", Json::Null)
        .attr("s3_bucket_name", "s3_bucket_name", Json::Null)
        .attr(
            "is_organization_trail",
            "is_organization_trail",
            json!(false),
        );
    let selectors: Vec<Json> = blocks(&ri.values, "event_selector")
        .into_iter()
        .map(|s| {
            json!({
                "read_write_type": raw(s, "read_write_type").map(Val::to_json).unwrap_or(json!("All")),
                "include_management_events": raw(s, "include_management_events").map(Val::to_json).unwrap_or(json!(true)),
                "data_resources": blocks(s, "data_resource").into_iter().map(|d| json!({
                    "type": raw(d, "type").map(Val::to_json).unwrap_or(Json::Null),
                    "values": str_list(raw(d, "values")),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    if selectors.is_empty() {
        b.default(
            "event_selectors",
            json!([{"read_write_type": "All", "include_management_events": true, "data_resources": []}]),
        );
    } else {
        b.set("event_selectors", Json::Array(selectors), "event_selector");
    }
    let advanced: Vec<Json> = blocks(&ri.values, "advanced_event_selector")
        .into_iter()
        .map(|s| {
            json!({
                "name": raw(s, "name").map(Val::to_json).unwrap_or(Json::Null),
                "field_selectors": blocks(s, "field_selector").into_iter().map(|f| json!({
                    "field": raw(f, "field").map(Val::to_json).unwrap_or(Json::Null),
                    "equals": str_list(raw(f, "equals")),
                    "starts_with": str_list(raw(f, "starts_with")),
                    "not_equals": str_list(raw(f, "not_equals")),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    if advanced.is_empty() {
        b.default("advanced_event_selectors", json!([]));
    } else {
        b.set(
            "advanced_event_selectors",
            Json::Array(advanced),
            "advanced_event_selector",
        );
    }
    b.finish()
}

/// EKS Pod Identity: pods of a service account run as an IAM role (like IRSA, without the
/// annotation).
pub fn eks_pod_identity_association(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_eks_pod_identity_association");
    b.name_from("service_account")
        .attr("cluster_name", "cluster_name", Json::Null)
        .attr("namespace", "namespace", Json::Null)
        .attr("service_account", "service_account", Json::Null)
        .attr("role_arn", "role_arn", Json::Null);
    b.finish()
}

/// EKS access entry: an IAM principal mapped to Kubernetes groups and a user name (the successor
/// of the aws-auth ConfigMap).
pub fn eks_access_entry(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_eks_access_entry");
    b.name_from("principal_arn")
        .attr("cluster_name", "cluster_name", Json::Null)
        .attr("principal_arn", "principal_arn", Json::Null)
        .attr("kubernetes_groups", "kubernetes_groups", json!([]))
        .attr("user_name", "user_name", Json::Null)
        .attr("type", "type", json!("STANDARD"));
    b.finish()
}

pub fn eks_cluster(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_eks_cluster");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("version", "version", Json::Null)
        .attr(
            "vpc_config.0.endpoint_public_access",
            "endpoint_public_access",
            json!(true),
        )
        .attr(
            "vpc_config.0.endpoint_private_access",
            "endpoint_private_access",
            json!(false),
        )
        .attr(
            "vpc_config.0.public_access_cidrs",
            "public_access_cidrs",
            json!(["0.0.0.0/0"]),
        )
        .attr("enabled_cluster_log_types", "enabled_log_types", json!([]));
    match b.raw("encryption_config.0") {
        Some(e) => {
            let value = json!({
                "resources": str_list(raw(e, "resources")),
                "key_arn": raw(e, "provider.0.key_arn").map(Val::to_json).unwrap_or(Json::Null),
            });
            b.set("secrets_encryption", value, "encryption_config");
        }
        None => b.default(
            "secrets_encryption",
            json!({"resources": [], "key_arn": null}),
        ),
    }
    b.finish()
}

pub fn load_balancer(ri: &RawInstance, source: &str) -> Resource {
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

pub fn listener(ri: &RawInstance, source: &str) -> Resource {
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

pub fn log_group(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_cloudwatch_log_group");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        // 0 means never expire, as the API reports it.
        .attr("retention_in_days", "retention_in_days", json!(0))
        .attr("kms_key_id", "kms_key_id", Json::Null);
    b.finish()
}
