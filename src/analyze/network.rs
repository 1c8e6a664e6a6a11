//! Network facts shared by the Terraform adapters and the live collector.

use serde_json::{json, Value as Json};

use crate::model::Resource;

/// Marks each subnet whose route table (its `route_table` attribute, a route table uid) sends
/// 0.0.0.0/0 or ::/0 to an internet gateway: `derived.routes_to_internet_gateway`. `is_igw`
/// says whether a route target is an internet gateway (an `igw-` id, or in Terraform a reference
/// to one).
pub fn mark_public_subnets(resources: &mut [Resource], is_igw: impl Fn(&Json) -> bool) {
    let public_tables: Vec<String> = resources
        .iter()
        .filter(|r| r.resource_type == "aws_route_table")
        .filter(|r| {
            r.attribute("routes")
                .and_then(Json::as_array)
                .is_some_and(|routes| {
                    routes.iter().any(|rt| {
                        matches!(rt["destination"].as_str(), Some("0.0.0.0/0" | "::/0"))
                            && is_igw(&rt["target"])
                    })
                })
        })
        .map(|r| r.uid.clone())
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "aws_subnet")
    {
        let public = r
            .attribute("route_table")
            .and_then(Json::as_str)
            .is_some_and(|rt| public_tables.iter().any(|p| p == rt));
        r.derived["routes_to_internet_gateway"] = json!(public);
    }
}
