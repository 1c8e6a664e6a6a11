//! CloudTrail from the API: the trails homed in the region, with their status and event selectors.

use futures::stream::{self, StreamExt};
use serde_json::{json, Value as Json};

use crate::collect::aws::live::{ops, set_all, set_flags, watched, Ctx, Fetch};
use crate::model::{AttributeMeta, Resource};

pub(crate) async fn collect(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let ct = watched!(ctx, aws_sdk_cloudtrail, conf);
    // Only the trails homed here: a multi-region trail is read once, in its home region.
    let Some(out) = ctx
        .call(
            &ops::CLOUDTRAIL_DESCRIBE_TRAILS,
            "",
            ct.describe_trails().include_shadow_trails(false).send(),
        )
        .await
    else {
        return;
    };
    let trails: Vec<_> = out.trail_list().to_vec();
    let found: Vec<Resource> = stream::iter(trails)
        .map(|t| {
            let ct = ct.clone();
            async move {
                let arn = t.trail_arn().unwrap_or_default().to_string();
                let name = t.name().unwrap_or_default().to_string();
                let (status, selectors) = futures::join!(
                    ctx.fetch(&ops::CLOUDTRAIL_GET_TRAIL_STATUS, &name, ct.get_trail_status().name(&arn).send()),
                    ctx.fetch(
                        &ops::CLOUDTRAIL_GET_EVENT_SELECTORS,
                        &name,
                        ct.get_event_selectors().trail_name(&arn).send()
                    ),
                );
                let mut r = ctx.resource(&arn, "aws_cloudtrail", &name, &ops::CLOUDTRAIL_DESCRIBE_TRAILS);
                set_all(
                    &mut r,
                    [
                        ("name", json!(name)),
                        ("kms_key_id", json!(t.kms_key_id())),
                        ("s3_bucket_name", json!(t.s3_bucket_name())),
                        ("cloud_watch_logs_group_arn", json!(t.cloud_watch_logs_log_group_arn())),
                    ],
                );
                set_flags(
                    &mut r,
                    [
                        ("is_multi_region_trail", t.is_multi_region_trail()),
                        ("include_global_service_events", t.include_global_service_events()),
                        ("log_file_validation_enabled", t.log_file_validation_enabled()),
                        ("is_organization_trail", t.is_organization_trail()),
                    ],
                );
                match status {
                    Fetch::Got(s) => r.set_attribute("is_logging", json!(s.is_logging()), AttributeMeta::explicit()),
                    Fetch::Absent => {}
                    Fetch::Failed(u) => ctx.unread(&mut r, &["is_logging"], &u),
                }
                if let Fetch::Failed(u) = &selectors {
                    ctx.unread(&mut r, &["event_selectors", "advanced_event_selectors"], u);
                }
                if let Fetch::Got(s) = selectors {
                    let basic: Vec<Json> = s
                        .event_selectors()
                        .iter()
                        .map(|e| {
                            json!({
                                "read_write_type": e.read_write_type().map(|x| x.as_str()).unwrap_or("All"),
                                "include_management_events": e.include_management_events().unwrap_or(true),
                                "data_resources": e.data_resources().iter().map(|d| json!({
                                    "type": d.r#type(), "values": d.values(),
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    let advanced: Vec<Json> = s
                        .advanced_event_selectors()
                        .iter()
                        .map(|a| {
                            json!({
                                "name": a.name(),
                                "field_selectors": a.field_selectors().iter().map(|f| json!({
                                    "field": f.field(), "equals": f.equals(),
                                    "starts_with": f.starts_with(), "not_equals": f.not_equals(),
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    set_all(
                        &mut r,
                        [("event_selectors", json!(basic)), ("advanced_event_selectors", json!(advanced))],
                    );
                }
                r
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    ctx.push_all(found);
}
