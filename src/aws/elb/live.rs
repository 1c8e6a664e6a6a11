//! Load balancers v2 from the API, with their listeners and WAF web ACLs.

use futures::stream::{self, StreamExt};
use serde_json::{json, Value as Json};

use crate::collect::aws::live::{ops, set_all, watched, Ctx, Fetch};
use crate::model::{AttributeMeta, Resource};

pub(crate) async fn collect(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let elb = watched!(ctx, aws_sdk_elasticloadbalancingv2, conf);
    let waf = watched!(ctx, aws_sdk_wafv2, conf);
    let pages = ctx
        .pages(
            &ops::ELB_DESCRIBE_LOAD_BALANCERS,
            "",
            elb.describe_load_balancers().into_paginator().send(),
        )
        .await;
    let lbs: Vec<_> = pages
        .iter()
        .flat_map(|p| p.load_balancers())
        .cloned()
        .collect();
    let found: Vec<Vec<Resource>> = stream::iter(lbs)
        .map(|lb| {
            let (elb, waf) = (elb.clone(), waf.clone());
            async move {
                let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
                let name = lb.load_balancer_name().unwrap_or_default().to_string();
                let kind = lb
                    .r#type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_else(|| "application".into());
                let web_acl = async {
                    if kind == "application" {
                        ctx.call_or_absent(
                            &ops::WAFV2_GET_WEB_ACL_FOR_RESOURCE,
                            &name,
                            &["WAFNonexistentItemException"],
                            waf.get_web_acl_for_resource().resource_arn(&arn).send(),
                        )
                        .await
                    } else {
                        Fetch::Absent
                    }
                };
                let (attrs, listeners, acl) = futures::join!(
                    ctx.fetch(
                        &ops::ELB_DESCRIBE_LOAD_BALANCER_ATTRIBUTES,
                        &name,
                        elb.describe_load_balancer_attributes()
                            .load_balancer_arn(&arn)
                            .send()
                    ),
                    ctx.pages(
                        &ops::ELB_DESCRIBE_LISTENERS,
                        &name,
                        elb.describe_listeners()
                            .load_balancer_arn(&arn)
                            .into_paginator()
                            .send()
                    ),
                    web_acl,
                );
                let mut r = ctx.resource(&arn, "aws_lb", &name, &ops::ELB_DESCRIBE_LOAD_BALANCERS);
                set_all(
                    &mut r,
                    [
                        ("name", json!(name)),
                        (
                            "internal",
                            json!(lb.scheme().is_some_and(|s| s.as_str() == "internal")),
                        ),
                        ("load_balancer_type", json!(kind)),
                    ],
                );
                if let Fetch::Failed(u) = &attrs {
                    ctx.unread(&mut r, &["drop_invalid_header_fields"], u);
                }
                if let Fetch::Got(a) = attrs {
                    let drop = a
                        .attributes()
                        .iter()
                        .find(|x| {
                            x.key() == Some("routing.http.drop_invalid_header_fields.enabled")
                        })
                        .is_some_and(|x| x.value() == Some("true"));
                    r.set_attribute(
                        "drop_invalid_header_fields",
                        json!(drop),
                        AttributeMeta::explicit(),
                    );
                }
                match acl {
                    Fetch::Got(o) => r.set_attribute(
                        "waf_web_acl",
                        json!(o.web_acl().map(|w| w.arn())),
                        AttributeMeta::explicit(),
                    ),
                    Fetch::Absent => {
                        r.set_attribute("waf_web_acl", Json::Null, AttributeMeta::explicit())
                    }
                    Fetch::Failed(u) => ctx.unread(&mut r, &["waf_web_acl"], &u),
                }
                let mut out = vec![r];
                for l in listeners.iter().flat_map(|p| p.listeners()) {
                    let larn = l.listener_arn().unwrap_or_default();
                    let mut lr = ctx.resource(
                        larn,
                        "aws_lb_listener",
                        &format!("{name}:{}", l.port().unwrap_or_default()),
                        &ops::ELB_DESCRIBE_LISTENERS,
                    );
                    let actions: Vec<Json> = l
                        .default_actions()
                        .iter()
                        .map(|a| {
                            json!({
                                "type": a.r#type().map(|t| t.as_str()),
                                "redirect_protocol": a.redirect_config().and_then(|c| c.protocol()),
                            })
                        })
                        .collect();
                    set_all(
                        &mut lr,
                        [
                            ("load_balancer_arn", json!(arn)),
                            ("port", json!(l.port())),
                            ("protocol", json!(l.protocol().map(|p| p.as_str()))),
                            ("ssl_policy", json!(l.ssl_policy())),
                            ("default_actions", json!(actions)),
                        ],
                    );
                    out.push(lr);
                }
                out
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    ctx.push_all(found.into_iter().flatten());
}
