//! CloudTrail trails and CloudWatch Logs groups from Terraform.

use serde_json::{json, Value as Json};

use std::collections::HashSet;

use crate::model::{text_of, unknown, Resource, SourceKind};
use crate::terraform::adapter::{blocks, push_folded, raw, str_list, Adapter, Builder};
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
            "cloud_watch_logs_group_arn",
            "cloud_watch_logs_group_arn",
            Json::Null,
        )
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

/// Folds each `aws_cloudwatch_log_metric_filter` into the log group it reads, as one of its
/// `metric_filters`: what it matches, and the metric it counts into.
pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    if ri.rtype != "aws_cloudwatch_log_metric_filter" {
        return false;
    }
    let Some(group) = a.target(
        ri,
        "log_group_name",
        &["aws_cloudwatch_log_group"],
        &["name"],
    ) else {
        return false;
    };
    let v = &ri.values;
    let text = |path: &str| raw(v, path).map(Val::to_json).unwrap_or(Json::Null);
    let filter = json!({
        "address": ri.address,
        "pattern": text("pattern"),
        "metric_name": text("metric_transformation.0.name"),
        "metric_namespace": text("metric_transformation.0.namespace"),
    });
    push_folded(a.get_mut(group), "metric_filters", filter, ri);
    true
}

/// Each trail's `derived.metric_filters`: the metric filters on the log group it delivers to,
/// each marked `alarmed` when a metric alarm with actions watches its metric. A trail that
/// delivers nowhere has none; one whose log group is not in this configuration has them
/// unknown, never none.
pub(crate) fn derive(a: &mut Adapter) {
    let watched: HashSet<Metric> = a
        .resources
        .iter()
        .filter(|r| r.resource_type == "aws_cloudwatch_metric_alarm")
        .filter(|r| {
            r.attribute("alarm_actions")
                .and_then(Json::as_array)
                .is_some_and(|actions| !actions.is_empty())
        })
        .filter_map(|r| metric(r.attribute("namespace"), r.attribute("metric_name")))
        .collect();
    let trails: Vec<usize> = (0..a.resources.len())
        .filter(|&i| a.resource(i).resource_type == "aws_cloudtrail")
        .collect();
    for t in trails {
        let arn = a
            .resource(t)
            .attribute("cloud_watch_logs_group_arn")
            .cloned();
        let filters = match arn {
            None | Some(Json::Null) => json!([]),
            Some(arn) => match log_group_of(a, t, &arn) {
                Some(g) => {
                    let mut filters = a
                        .resource(g)
                        .attribute("metric_filters")
                        .cloned()
                        .unwrap_or(json!([]));
                    mark_alarmed(&mut filters, &watched);
                    filters
                }
                None => unknown(&format!(
                    "the log group the trail delivers to ({}) is not declared in this configuration",
                    text_of(&arn)
                )),
            },
        };
        a.get_mut(t).derived["metric_filters"] = filters;
    }
}

/// The declared log group trail `t` delivers to: the one its `cloud_watch_logs_group_arn`
/// refers to, or the one named inside a known ARN.
fn log_group_of(a: &Adapter, t: usize, arn: &Json) -> Option<usize> {
    const GROUP: &[&str] = &["aws_cloudwatch_log_group"];
    if let Some(g) = a
        .instance_of(t)
        .and_then(|ri| a.target(ri, "cloud_watch_logs_group_arn", GROUP, &[]))
    {
        return Some(g);
    }
    let name = log_group_name(arn.as_str()?)?;
    (0..a.resources.len()).find(|&i| {
        let r = a.resource(i);
        r.resource_type == "aws_cloudwatch_log_group"
            && r.attribute("name").and_then(Json::as_str) == Some(name)
    })
}

/// A metric, as an alarm names it: (namespace, name).
type Metric = (String, String);

/// The metric a namespace and a name name, by their text or the reference they are known by;
/// none when either is missing, so that two metrics missing a name never match.
fn metric(namespace: Option<&Json>, name: Option<&Json>) -> Option<Metric> {
    let text = |v: Option<&Json>| v.filter(|v| !v.is_null()).map(text_of);
    Some((text(namespace)?, text(name)?))
}

/// A trail's metric filters (`{pattern, metric_name, metric_namespace}` each), each marked
/// `alarmed` when an alarm with actions watches the metric it counts into.
fn mark_alarmed(filters: &mut Json, watched: &HashSet<Metric>) {
    for f in filters.as_array_mut().into_iter().flatten() {
        let counted = metric(f.get("metric_namespace"), f.get("metric_name"));
        f["alarmed"] = json!(counted.is_some_and(|m| watched.contains(&m)));
    }
}

/// The log group name inside a CloudWatch Logs group ARN
/// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`).
fn log_group_name(arn: &str) -> Option<&str> {
    let name = arn.split(":log-group:").nth(1)?;
    Some(name.strip_suffix(":*").unwrap_or(name))
}
