//! EC2 and VPC from Terraform: the VPC resources, security groups with their split rules folded in,
//! network ACLs, route tables and EBS.

use serde_json::{json, Value as Json};

use super::{
    public_ip_of_interfaces, BlockDevice, MetadataOptions, NetworkAclEntry, SecurityGroupRule,
    Traffic,
};
use crate::model::{ref_address, to_json, Attr, Known, Resource, SourceKind};
use crate::terraform::adapter::{
    blocks, folded_meta, known, push_with_meta, raw, Adapter, Builder,
};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

/// The traffic of a rule block: protocol (`protocol`, or `ip_protocol` in the newer resources)
/// and ports.
fn traffic(r: &Val) -> Traffic {
    let protocol = raw(r, "protocol").or_else(|| raw(r, "ip_protocol"));
    Traffic::new(
        protocol.map(Val::known),
        raw(r, "from_port").map(Val::known),
        raw(r, "to_port").map(Val::known),
    )
}

/// A list of strings: a single string is a list of one.
fn texts(v: Option<&Val>) -> Known<Vec<Known<String>>> {
    match v.map(Val::plain) {
        Some(Val::List(l)) => Known::Value(l.iter().map(Val::known).collect()),
        Some(Val::Unknown(r)) => Known::Unknown(r.clone()),
        Some(s @ Val::Str(_)) => Known::Value(vec![s.known()]),
        _ => Known::Value(Vec::new()),
    }
}

/// A rule block of a security group (`ingress`, `egress`, `aws_security_group_rule`).
fn sg_rule(r: &Val) -> SecurityGroupRule {
    SecurityGroupRule {
        traffic: traffic(r),
        cidr_blocks: texts(raw(r, "cidr_blocks")),
        ipv6_cidr_blocks: texts(raw(r, "ipv6_cidr_blocks")),
        security_groups: texts(raw(r, "security_groups")),
        to_itself: raw(r, "self").map_or(false.into(), Val::known),
        description: known(raw(r, "description")),
    }
}

pub fn security_group(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_security_group");
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("vpc_id", "vpc_id", Json::Null)
        .attr("description", "description", json!("Managed by Terraform"));
    for dir in ["ingress", "egress"] {
        let rules: Vec<Json> = blocks(&ri.values, dir)
            .into_iter()
            .map(|r| to_json(sg_rule(r)))
            .collect();
        if rules.is_empty() {
            b.default(dir, json!([]));
        } else {
            let raw_paths: Vec<String> = (0..rules.len()).map(|i| format!("{dir}.{i}")).collect();
            b.set(dir, Json::Array(rules), dir);
            b.element_spans(dir, &raw_paths);
        }
    }
    b.finish()
}

pub fn vpc(ri: &RawInstance, source: SourceKind) -> Resource {
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

pub fn subnet(ri: &RawInstance, source: SourceKind) -> Resource {
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

pub fn route_table(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_route_table");
    b.attr("vpc_id", "vpc_id", Json::Null);
    let routes: Vec<Json> = blocks(&ri.values, "route").into_iter().map(route).collect();
    b.set("routes", Json::Array(routes), "route");
    b.finish()
}

fn nacl_entry(r: &Val, egress: bool) -> Json {
    let action = raw(r, "action").or_else(|| raw(r, "rule_action"));
    to_json(NetworkAclEntry {
        egress,
        rule_no: raw(r, "rule_no")
            .or_else(|| raw(r, "rule_number"))
            .map(Val::known),
        action: action.map(|a| a.known::<String>().map(|a| a.to_lowercase())),
        traffic: traffic(r),
        cidr_block: known(raw(r, "cidr_block")),
        ipv6_cidr_block: known(raw(r, "ipv6_cidr_block")),
    })
}

pub fn network_acl(ri: &RawInstance, source: SourceKind) -> Resource {
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
                rule.security_groups = Known::Value(vec![src.known()]);
            }
            let rule = to_json(rule);
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
            // One address or group per rule in these resources.
            let one = |k: &str| Known::Value(raw(v, k).map(Val::known).into_iter().collect());
            let rule = to_json(SecurityGroupRule {
                traffic: traffic(v),
                cidr_blocks: one("cidr_ipv4"),
                ipv6_cidr_blocks: one("cidr_ipv6"),
                security_groups: one("referenced_security_group_id"),
                to_itself: false.into(),
                description: known(raw(v, "description")),
            });
            let meta = folded_meta(ri, "", &rule);
            push_with_meta(a.get_mut(t), dir, rule, meta);
            true
        }
        "aws_default_security_group" => {
            let Some(t) = a.target(ri, "vpc_id", &["aws_vpc"], &["id"]) else {
                return false;
            };
            let ingress: Vec<SecurityGroupRule> =
                blocks(v, "ingress").into_iter().map(sg_rule).collect();
            let egress: Vec<SecurityGroupRule> =
                blocks(v, "egress").into_iter().map(sg_rule).collect();
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
    super::mark_public_subnets(&mut a.resources, is_igw);
}

pub fn ebs_volume(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_ebs_volume");
    // Unset `encrypted` follows the account's EBS encryption-by-default setting; the rule looks
    // at that setting when the configuration declares it.
    b.attr("encrypted", "encrypted", Json::Null)
        .attr("kms_key_id", "kms_key_id", Json::Null)
        .attr("availability_zone", "availability_zone", Json::Null);
    b.finish()
}

/// An instance: everything as configured, with its metadata options and volumes in the model's
/// shape.
pub fn instance(ri: &RawInstance, source: SourceKind) -> Resource {
    machine(ri, source, "aws_instance")
}

/// A launch template: everything as configured, with its metadata options and volumes in the
/// model's shape.
pub fn launch_template(ri: &RawInstance, source: SourceKind) -> Resource {
    machine(ri, source, "aws_launch_template")
}

/// A launch configuration (the launch template's predecessor, still behind many Auto Scaling
/// groups): as an instance.
pub fn launch_configuration(ri: &RawInstance, source: SourceKind) -> Resource {
    machine(ri, source, "aws_launch_configuration")
}

/// What launches an EC2 machine: its metadata options and the EBS volumes it attaches.
fn machine(ri: &RawInstance, source: SourceKind, rtype: &str) -> Resource {
    let mut b = Builder::new(ri, source, rtype);
    b.name_from("name");
    b.copy_all();
    // The block, or the list of blocks, known only after apply (a `dynamic` block over an
    // unknown list, a variable): unknown, never the default.
    let options = match unknown_blocks(ri, "metadata_options")
        .or_else(|| unknown_blocks(ri, "metadata_options.0"))
    {
        Some(r) => Attr::Unknown(r),
        // The block, or none (everything AWS's default); a setting left out is the default.
        None => {
            let m = raw(&ri.values, "metadata_options.0");
            let setting = |k: &str| m.and_then(|m| raw(m, k)).map(Val::known);
            MetadataOptions::read(setting("http_endpoint"), setting("http_tokens"))
        }
    };
    b.put("metadata_options", options, "metadata_options");
    let (public_ip, public_ip_at) = public_ip(ri, rtype);
    b.put("associate_public_ip_address", public_ip, public_ip_at);
    let (attr, raw_paths) = if rtype == "aws_launch_template" {
        template_block_devices(ri)
    } else {
        instance_block_devices(ri)
    };
    b.put("block_devices", attr, "");
    b.element_spans("block_devices", &raw_paths);
    b.finish()
}

/// Whether the machine gets a public IP address, and where that is written: an instance's or a
/// launch configuration's `associate_public_ip_address`, or any of a launch template's network
/// interfaces'. Not set (`null`): the subnet decides, and the subnet is judged.
fn public_ip(ri: &RawInstance, rtype: &str) -> (Attr<Option<Known<bool>>>, &'static str) {
    if rtype != "aws_launch_template" {
        let v = known(raw(&ri.values, "associate_public_ip_address"));
        return match v {
            Some(v) => (Attr::Explicit(Some(v)), "associate_public_ip_address"),
            None => (Attr::Default(None), ""),
        };
    }
    if let Some(r) = unknown_blocks(ri, "network_interfaces") {
        return (Attr::Unknown(r), "network_interfaces");
    }
    let set: Vec<Known<bool>> = blocks(&ri.values, "network_interfaces")
        .into_iter()
        .filter_map(|n| known(raw(n, "associate_public_ip_address")))
        .collect();
    match public_ip_of_interfaces(set) {
        attr @ Attr::Explicit(_) => (attr, "network_interfaces"),
        attr => (attr, ""),
    }
}

/// A block list known only after apply (a `dynamic` block over an unknown list).
fn unknown_blocks(ri: &RawInstance, path: &str) -> Option<String> {
    match raw(&ri.values, path).map(Val::plain) {
        Some(Val::Unknown(r)) => Some(r.clone()),
        _ => None,
    }
}

/// The volumes of an instance or a launch configuration (`root_block_device`,
/// `ebs_block_device`), each with the raw path it was written at. Without a root block the root
/// volume is the AMI's; with no block at all, everything is.
fn instance_block_devices(ri: &RawInstance) -> (Attr<Vec<BlockDevice>>, Vec<String>) {
    if let Some(r) = ["root_block_device", "ebs_block_device"]
        .iter()
        .find_map(|p| unknown_blocks(ri, p))
    {
        return (Attr::Unknown(r), Vec::new());
    }
    let volume = |b: &Val, name: Option<Known<String>>| BlockDevice {
        device_name: name,
        encrypted: known(raw(b, "encrypted")),
        kms_key_id: known(raw(b, "kms_key_id")),
        volume_id: None,
    };
    let root = blocks(&ri.values, "root_block_device");
    let ebs = blocks(&ri.values, "ebs_block_device");
    let mut devices = vec![match root.first() {
        Some(b) => volume(b, Some("root".into())),
        None => BlockDevice::from_ami(),
    }];
    let mut raw_paths = vec!["root_block_device.0".to_string()];
    for (i, b) in ebs.iter().enumerate() {
        devices.push(volume(b, known(raw(b, "device_name"))));
        raw_paths.push(format!("ebs_block_device.{i}"));
    }
    if root.is_empty() && ebs.is_empty() {
        (Attr::Default(devices), Vec::new())
    } else {
        (Attr::Explicit(devices), raw_paths)
    }
}

/// The EBS volumes a launch template maps (`block_device_mappings` with an `ebs` block;
/// instance-store and suppressed devices are not EBS). With no mapping the volumes are the
/// AMI's. A template that maps some devices is judged on those.
fn template_block_devices(ri: &RawInstance) -> (Attr<Vec<BlockDevice>>, Vec<String>) {
    if let Some(r) = unknown_blocks(ri, "block_device_mappings") {
        return (Attr::Unknown(r), Vec::new());
    }
    let mut devices = Vec::new();
    let mut raw_paths = Vec::new();
    for (i, m) in blocks(&ri.values, "block_device_mappings")
        .iter()
        .enumerate()
    {
        let Some(ebs) = raw(m, "ebs") else { continue };
        // The `ebs` block, or the list of one; known only after apply, so is its encryption.
        let ebs = raw(ebs, "0").unwrap_or(ebs);
        let (encrypted, kms_key_id) = match ebs.plain() {
            Val::Unknown(r) => (Some(Known::Unknown(r.clone())), None),
            _ => (known(raw(ebs, "encrypted")), known(raw(ebs, "kms_key_id"))),
        };
        devices.push(BlockDevice {
            device_name: known(raw(m, "device_name")),
            encrypted,
            kms_key_id,
            volume_id: None,
        });
        raw_paths.push(format!("block_device_mappings.{i}"));
    }
    if devices.is_empty() {
        (Attr::Default(vec![BlockDevice::from_ami()]), Vec::new())
    } else {
        (Attr::Explicit(devices), raw_paths)
    }
}

pub fn ebs_default(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_ebs_encryption_by_default");
    b.attr("enabled", "enabled", json!(true));
    b.finish()
}
