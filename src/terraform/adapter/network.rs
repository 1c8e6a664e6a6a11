//! VPCs, subnets, route tables, security groups and NACLs.

use serde_json::{json, Value as Json};

use super::{blocks, folded_meta, push_with_meta, raw, ref_address, str_list, Adapter, Builder};
use crate::model::{AttributeMeta, Provenance, Resource};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

/// `-1`, `all` → `-1`; protocol numbers for tcp/udp/icmp → names.
fn protocol(v: Option<&Val>) -> Json {
    match v.map(Val::plain) {
        Some(Val::Unknown(r)) => crate::model::unknown(r),
        Some(p) => {
            let s = p.as_string().unwrap_or_default().to_lowercase();
            json!(match s.as_str() {
                "-1" | "all" => "-1",
                "6" => "tcp",
                "17" => "udp",
                "1" => "icmp",
                "58" => "icmpv6",
                other => other,
            })
        }
        None => json!("-1"),
    }
}

fn port(v: Option<&Val>) -> Json {
    v.map(Val::to_json).unwrap_or(Json::Null)
}

/// One SG rule in the normalized shape.
fn sg_rule(r: &Val) -> Json {
    json!({
        "from_port": port(raw(r, "from_port")),
        "to_port": port(raw(r, "to_port")),
        "protocol": protocol(raw(r, "protocol").or_else(|| raw(r, "ip_protocol"))),
        "cidr_blocks": str_list(raw(r, "cidr_blocks")),
        "ipv6_cidr_blocks": str_list(raw(r, "ipv6_cidr_blocks")),
        "security_groups": str_list(raw(r, "security_groups")),
        "self": raw(r, "self").and_then(Val::as_bool).unwrap_or(false),
        "description": raw(r, "description").map(Val::to_json).unwrap_or(Json::Null),
    })
}

pub fn security_group(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_security_group");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("vpc_id", "vpc_id", Json::Null)
        .attr("description", "description", json!("Managed by Terraform"));
    for dir in ["ingress", "egress"] {
        let rules: Vec<Json> = blocks(&ri.values, dir).into_iter().map(sg_rule).collect();
        if rules.is_empty() {
            b.default(dir, json!([]));
        } else {
            b.set(dir, Json::Array(rules), dir);
            for i in 0..blocks(&ri.values, dir).len() {
                let path = format!("{dir}.{i}");
                let span = super::span_for(ri, &path);
                b.res.attribute_meta.insert(
                    path,
                    AttributeMeta {
                        provenance: Provenance::Explicit,
                        span,
                        from: None,
                    },
                );
            }
        }
    }
    b.finish()
}

pub fn vpc(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_vpc");
    b.attr("cidr_block", "cidr_block", Json::Null);
    b.default("flow_logs", json!([]));
    // Every VPC has a default security group; AWS creates it allowing all traffic from itself
    // and all outbound traffic. Terraform manages it only through aws_default_security_group.
    b.default(
        "default_security_group",
        json!({
            "managed": false,
            "ingress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": [], "ipv6_cidr_blocks": [], "security_groups": [], "self": true, "description": null}],
            "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "security_groups": [], "self": false, "description": null}],
        }),
    );
    b.finish()
}

pub fn subnet(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_subnet");
    b.attr("vpc_id", "vpc_id", Json::Null)
        .attr("cidr_block", "cidr_block", Json::Null)
        .attr("availability_zone", "availability_zone", Json::Null)
        .attr(
            "map_public_ip_on_launch",
            "map_public_ip_on_launch",
            json!(false),
        );
    b.default("route_table", Json::Null);
    b.finish()
}

fn route(r: &Val) -> Json {
    let target = [
        "gateway_id",
        "nat_gateway_id",
        "transit_gateway_id",
        "vpc_peering_connection_id",
        "network_interface_id",
        "vpc_endpoint_id",
    ]
    .iter()
    .find_map(|k| raw(r, k))
    .map(Val::to_json)
    .unwrap_or(Json::Null);
    json!({
        "destination": raw(r, "cidr_block").or_else(|| raw(r, "destination_cidr_block")).or_else(|| raw(r, "ipv6_cidr_block")).or_else(|| raw(r, "destination_ipv6_cidr_block")).map(Val::to_json).unwrap_or(Json::Null),
        "target": target,
    })
}

pub fn route_table(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_route_table");
    b.attr("vpc_id", "vpc_id", Json::Null);
    let routes: Vec<Json> = blocks(&ri.values, "route").into_iter().map(route).collect();
    b.set("routes", Json::Array(routes), "route");
    b.finish()
}

fn nacl_entry(r: &Val, egress: bool) -> Json {
    json!({
        "egress": egress,
        "rule_no": raw(r, "rule_no").or_else(|| raw(r, "rule_number")).map(Val::to_json).unwrap_or(Json::Null),
        "action": raw(r, "action").or_else(|| raw(r, "rule_action")).and_then(Val::as_string).map(|s| s.to_lowercase()),
        "protocol": protocol(raw(r, "protocol")),
        "from_port": port(raw(r, "from_port")),
        "to_port": port(raw(r, "to_port")),
        "cidr_block": raw(r, "cidr_block").map(Val::to_json).unwrap_or(Json::Null),
        "ipv6_cidr_block": raw(r, "ipv6_cidr_block").map(Val::to_json).unwrap_or(Json::Null),
    })
}

pub fn network_acl(ri: &RawInstance, source: &str) -> Resource {
    let mut b = Builder::new(ri, source, "aws_network_acl");
    b.attr("vpc_id", "vpc_id", Json::Null);
    b.res.attributes.as_object_mut().expect("object").insert(
        "is_default".into(),
        json!(ri.rtype == "aws_default_network_acl"),
    );
    let mut entries = Vec::new();
    for (dir, egress) in [("ingress", false), ("egress", true)] {
        entries.extend(
            blocks(&ri.values, dir)
                .into_iter()
                .map(|r| nacl_entry(r, egress)),
        );
    }
    b.set("entries", Json::Array(entries), "ingress");
    b.finish()
}

pub fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    let v = &ri.values;
    match ri.rtype.as_str() {
        "aws_security_group_rule" => {
            let Some(t) = a.target(ri, "security_group_id", &["aws_security_group"], &["id"])
            else {
                return false;
            };
            let dir = if raw(v, "type").and_then(Val::as_str) == Some("egress") {
                "egress"
            } else {
                "ingress"
            };
            let mut rule = sg_rule(v);
            if let Some(src) = raw(v, "source_security_group_id") {
                rule["security_groups"] = json!([src.to_json()]);
            }
            let meta = folded_meta(ri, "", &rule);
            push_with_meta(a.get_mut(t), dir, rule, meta);
            true
        }
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            let Some(t) = a.target(ri, "security_group_id", &["aws_security_group"], &["id"])
            else {
                return false;
            };
            let dir = if ri.rtype.ends_with("ingress_rule") {
                "ingress"
            } else {
                "egress"
            };
            let proto = protocol(raw(v, "ip_protocol"));
            let all = proto == json!("-1");
            let rule = json!({
                "from_port": if all { json!(0) } else { port(raw(v, "from_port")) },
                "to_port": if all { json!(0) } else { port(raw(v, "to_port")) },
                "protocol": proto,
                "cidr_blocks": raw(v, "cidr_ipv4").map(|c| json!([c.to_json()])).unwrap_or(json!([])),
                "ipv6_cidr_blocks": raw(v, "cidr_ipv6").map(|c| json!([c.to_json()])).unwrap_or(json!([])),
                "security_groups": raw(v, "referenced_security_group_id").map(|c| json!([c.to_json()])).unwrap_or(json!([])),
                "self": false,
                "description": raw(v, "description").map(Val::to_json).unwrap_or(Json::Null),
            });
            let meta = folded_meta(ri, "", &rule);
            push_with_meta(a.get_mut(t), dir, rule, meta);
            true
        }
        "aws_default_security_group" => {
            let Some(t) = a.target(ri, "vpc_id", &["aws_vpc"], &["id"]) else {
                return false;
            };
            let ingress: Vec<Json> = blocks(v, "ingress").into_iter().map(sg_rule).collect();
            let egress: Vec<Json> = blocks(v, "egress").into_iter().map(sg_rule).collect();
            let value = json!({"managed": true, "ingress": ingress, "egress": egress});
            let meta = folded_meta(ri, "", &value);
            a.get_mut(t)
                .set_attribute("default_security_group", value, meta);
            true
        }
        "aws_flow_log" => {
            let Some(t) = a.target(ri, "vpc_id", &["aws_vpc"], &["id"]) else {
                return false;
            };
            let item = json!({
                "traffic_type": raw(v, "traffic_type").map(Val::to_json).unwrap_or(Json::Null),
                "log_destination_type": raw(v, "log_destination_type").map(Val::to_json).unwrap_or(json!("cloud-watch-logs")),
                "address": ri.address,
            });
            let meta = folded_meta(ri, "", &item);
            push_with_meta(a.get_mut(t), "flow_logs", item, meta);
            true
        }
        "aws_route" => {
            let Some(t) = a.target(ri, "route_table_id", &["aws_route_table"], &["id"]) else {
                return false;
            };
            let item = route(v);
            let meta = folded_meta(ri, "", &item);
            push_with_meta(a.get_mut(t), "routes", item, meta);
            true
        }
        "aws_route_table_association" => {
            let Some(rt) = raw(v, "route_table_id") else {
                return false;
            };
            let Some(t) = a.target(ri, "subnet_id", &["aws_subnet"], &["id"]) else {
                return false;
            };
            let rt_uid = a
                .target(ri, "route_table_id", &["aws_route_table"], &["id"])
                .map(|i| a.resource(i).uid.clone());
            let value = rt_uid.map(Json::String).unwrap_or_else(|| rt.to_json());
            let meta = folded_meta(ri, "", &value);
            a.get_mut(t).set_attribute("route_table", value, meta);
            true
        }
        "aws_network_acl_rule" => {
            let Some(t) = a.target(ri, "network_acl_id", &["aws_network_acl"], &["id"]) else {
                return false;
            };
            let egress = raw(v, "egress").and_then(Val::as_bool).unwrap_or(false);
            let item = nacl_entry(v, egress);
            let meta = folded_meta(ri, "", &item);
            push_with_meta(a.get_mut(t), "entries", item, meta);
            true
        }
        _ => false,
    }
}

/// Marks subnets whose route table sends 0.0.0.0/0 or ::/0 to an internet gateway.
pub fn derive(a: &mut Adapter) {
    let igws: Vec<String> = a
        .instances()
        .iter()
        .filter(|r| r.rtype == "aws_internet_gateway")
        .map(|r| r.address.clone())
        .collect();
    let is_igw = |target: &Json| match target {
        Json::String(s) => s.starts_with("igw-"),
        t if crate::model::is_unknown(t) => {
            let r = t[crate::model::UNKNOWN_KEY].as_str().unwrap_or_default();
            igws.iter().any(|g| g == ref_address(r))
        }
        _ => false,
    };
    crate::analyze::network::mark_public_subnets(&mut a.resources, is_igw);
}
