//! CloudTrail trails and CloudWatch Logs groups from Terraform.

use serde_json::{json, Value as Json};

use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::{blocks, raw, str_list, Builder};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

pub fn cloudtrail(ri: &RawInstance, source: SourceKind) -> Resource {
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

pub fn log_group(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_cloudwatch_log_group");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        // 0 means never expire, as the API reports it.
        .attr("retention_in_days", "retention_in_days", json!(0))
        .attr("kms_key_id", "kms_key_id", Json::Null);
    b.finish()
}
