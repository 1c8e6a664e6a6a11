//! EC2 and VPC from the API, in one region: VPCs with their default security group and flow
//! logs, subnets, route tables, gateways, security groups, network ACLs, EBS encryption by
//! default, volumes, own snapshots and instances.

use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, HashMap};

use super::{
    public_ip_of_interfaces, BlockDevice, MetadataOptions, NetworkAclEntry, SecurityGroupRule,
    Traffic,
};
use crate::collect::aws::live::{ops, set_all, set_flags, tag_map, watched, Ctx};
use crate::model::{Attr, AttributeMeta, Known, Resource};
use aws_sdk_ec2::types::{Filter, IpPermission, Tag};

fn tags(t: &[Tag]) -> BTreeMap<String, String> {
    tag_map(t.iter().map(|t| (t.key(), t.value())))
}

/// Tags the resource; its `Name` tag, when there is one, is the name people know it by.
fn tag(r: &mut Resource, t: &[Tag]) {
    r.tags = tags(t);
    if let Some(n) = r.tags.get("Name") {
        r.name = n.clone();
    }
}

impl Ctx {
    /// The ARN of an EC2 resource in this unit's region.
    fn ec2_arn(&self, kind: &str, id: &str) -> String {
        format!(
            "arn:aws:ec2:{}:{}:{kind}/{id}",
            self.region.as_deref().unwrap_or_default(),
            self.account
        )
    }
}

/// One permission of a security group as a rule; the group itself among its groups is `self`.
fn sg_rule(p: &IpPermission, own_id: &str) -> SecurityGroupRule {
    let groups: Vec<&str> = p
        .user_id_group_pairs()
        .iter()
        .filter_map(|g| g.group_id())
        .collect();
    let all = |v: Vec<&str>| Known::Value(v.into_iter().map(Known::from).collect());
    SecurityGroupRule {
        traffic: Traffic::new(
            p.ip_protocol().map(Known::from),
            p.from_port().map(|n| i64::from(n).into()),
            p.to_port().map(|n| i64::from(n).into()),
        ),
        cidr_blocks: all(p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect()),
        ipv6_cidr_blocks: all(p
            .ipv6_ranges()
            .iter()
            .filter_map(|r| r.cidr_ipv6())
            .collect()),
        security_groups: all(groups.iter().copied().filter(|g| *g != own_id).collect()),
        to_itself: groups.contains(&own_id).into(),
        description: p
            .ip_ranges()
            .iter()
            .find_map(|r| r.description())
            .map(Known::from),
    }
}

pub(crate) async fn collect(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let ec2 = watched!(ctx, aws_sdk_ec2, conf);
    let (vpcs, subnets, tables, igws, nats, groups, acls, flows) = futures::join!(
        ctx.pages(
            &ops::EC2_DESCRIBE_VPCS,
            "",
            ec2.describe_vpcs().into_paginator().send()
        ),
        ctx.pages(
            &ops::EC2_DESCRIBE_SUBNETS,
            "",
            ec2.describe_subnets().into_paginator().send()
        ),
        ctx.pages(
            &ops::EC2_DESCRIBE_ROUTE_TABLES,
            "",
            ec2.describe_route_tables().into_paginator().send()
        ),
        ctx.pages(
            &ops::EC2_DESCRIBE_INTERNET_GATEWAYS,
            "",
            ec2.describe_internet_gateways().into_paginator().send()
        ),
        ctx.pages(
            &ops::EC2_DESCRIBE_NAT_GATEWAYS,
            "",
            ec2.describe_nat_gateways().into_paginator().send()
        ),
        ctx.pages(
            &ops::EC2_DESCRIBE_SECURITY_GROUPS,
            "",
            ec2.describe_security_groups().into_paginator().send()
        ),
        ctx.pages(
            &ops::EC2_DESCRIBE_NETWORK_ACLS,
            "",
            ec2.describe_network_acls().into_paginator().send()
        ),
        ctx.pages(
            &ops::EC2_DESCRIBE_FLOW_LOGS,
            "",
            ec2.describe_flow_logs().into_paginator().send()
        ),
    );
    let mut out = Vec::new();

    // Security groups; each VPC's `default` group is also folded into the VPC.
    let mut default_groups: HashMap<String, Json> = HashMap::new();
    for g in groups.iter().flat_map(|p| p.security_groups()) {
        let id = g.group_id().unwrap_or_default();
        let ingress: Vec<SecurityGroupRule> =
            g.ip_permissions().iter().map(|p| sg_rule(p, id)).collect();
        let egress: Vec<SecurityGroupRule> = g
            .ip_permissions_egress()
            .iter()
            .map(|p| sg_rule(p, id))
            .collect();
        if g.group_name() == Some("default") {
            if let Some(vpc) = g.vpc_id() {
                default_groups.insert(
                    vpc.to_string(),
                    json!({"managed": null, "id": id, "ingress": ingress.clone(), "egress": egress.clone()}),
                );
            }
        }
        let mut r = ctx.resource(
            &ctx.ec2_arn("security-group", id),
            "aws_security_group",
            g.group_name().unwrap_or(id),
            &ops::EC2_DESCRIBE_SECURITY_GROUPS,
        );
        r.tags = tags(g.tags());
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("name", json!(g.group_name())),
                ("vpc_id", json!(g.vpc_id())),
                ("description", json!(g.description())),
                ("ingress", json!(ingress)),
                ("egress", json!(egress)),
            ],
        );
        out.push(r);
    }

    let mut flow_logs: HashMap<&str, Vec<Json>> = HashMap::new();
    for f in flows.iter().flat_map(|p| p.flow_logs()) {
        if let Some(res) = f.resource_id() {
            flow_logs.entry(res).or_default().push(json!({
                "traffic_type": f.traffic_type().map(|t| t.as_str()),
                "log_destination_type": f.log_destination_type().map(|t| t.as_str()),
                "address": f.flow_log_id(),
            }));
        }
    }
    for v in vpcs.iter().flat_map(|p| p.vpcs()) {
        let id = v.vpc_id().unwrap_or_default();
        let mut r = ctx.resource(
            &ctx.ec2_arn("vpc", id),
            "aws_vpc",
            id,
            &ops::EC2_DESCRIBE_VPCS,
        );
        tag(&mut r, v.tags());
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("cidr_block", json!(v.cidr_block())),
                ("is_default", json!(v.is_default())),
                ("flow_logs", json!(flow_logs.remove(id).unwrap_or_default())),
            ],
        );
        if let Some(dsg) = default_groups.remove(id) {
            r.set_attribute("default_security_group", dsg, AttributeMeta::explicit());
        }
        out.push(r);
    }

    // Route tables, and which one each subnet uses (explicit association, else the VPC's main).
    let mut table_of_subnet: HashMap<String, String> = HashMap::new();
    let mut main_table: HashMap<String, String> = HashMap::new();
    for t in tables.iter().flat_map(|p| p.route_tables()) {
        let id = t.route_table_id().unwrap_or_default();
        let uid = ctx.ec2_arn("route-table", id);
        for a in t.associations() {
            if a.main() == Some(true) {
                if let Some(vpc) = t.vpc_id() {
                    main_table.insert(vpc.to_string(), uid.clone());
                }
            } else if let Some(s) = a.subnet_id() {
                table_of_subnet.insert(s.to_string(), uid.clone());
            }
        }
        let routes: Vec<Json> = t
            .routes()
            .iter()
            .map(|rt| {
                json!({
                    "destination": rt.destination_cidr_block().or(rt.destination_ipv6_cidr_block()),
                    "target": rt.gateway_id().or(rt.nat_gateway_id()).or(rt.transit_gateway_id())
                        .or(rt.vpc_peering_connection_id()).or(rt.network_interface_id()),
                })
            })
            .collect();
        let mut r = ctx.resource(&uid, "aws_route_table", id, &ops::EC2_DESCRIBE_ROUTE_TABLES);
        tag(&mut r, t.tags());
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("vpc_id", json!(t.vpc_id())),
                ("routes", json!(routes)),
            ],
        );
        out.push(r);
    }
    for s in subnets.iter().flat_map(|p| p.subnets()) {
        let id = s.subnet_id().unwrap_or_default();
        let mut r = ctx.resource(
            &ctx.ec2_arn("subnet", id),
            "aws_subnet",
            id,
            &ops::EC2_DESCRIBE_SUBNETS,
        );
        tag(&mut r, s.tags());
        let table = table_of_subnet
            .get(id)
            .or_else(|| s.vpc_id().and_then(|v| main_table.get(v)));
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("vpc_id", json!(s.vpc_id())),
                ("cidr_block", json!(s.cidr_block())),
                ("availability_zone", json!(s.availability_zone())),
                ("route_table", json!(table)),
            ],
        );
        set_flags(
            &mut r,
            [("map_public_ip_on_launch", s.map_public_ip_on_launch())],
        );
        out.push(r);
    }
    for g in igws.iter().flat_map(|p| p.internet_gateways()) {
        let id = g.internet_gateway_id().unwrap_or_default();
        let mut r = ctx.resource(
            &ctx.ec2_arn("internet-gateway", id),
            "aws_internet_gateway",
            id,
            &ops::EC2_DESCRIBE_INTERNET_GATEWAYS,
        );
        tag(&mut r, g.tags());
        let vpcs: Vec<&str> = g.attachments().iter().filter_map(|a| a.vpc_id()).collect();
        set_all(&mut r, [("id", json!(id)), ("vpc_ids", json!(vpcs))]);
        out.push(r);
    }
    for n in nats.iter().flat_map(|p| p.nat_gateways()) {
        let id = n.nat_gateway_id().unwrap_or_default();
        let mut r = ctx.resource(
            &ctx.ec2_arn("natgateway", id),
            "aws_nat_gateway",
            id,
            &ops::EC2_DESCRIBE_NAT_GATEWAYS,
        );
        tag(&mut r, n.tags());
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("vpc_id", json!(n.vpc_id())),
                ("subnet_id", json!(n.subnet_id())),
                ("state", json!(n.state().map(|s| s.as_str()))),
            ],
        );
        out.push(r);
    }
    for a in acls.iter().flat_map(|p| p.network_acls()) {
        let id = a.network_acl_id().unwrap_or_default();
        let entries: Vec<NetworkAclEntry> = a
            .entries()
            .iter()
            .map(|e| {
                let range = e.port_range();
                NetworkAclEntry {
                    egress: e.egress().unwrap_or(false),
                    rule_no: e.rule_number().map(|n| i64::from(n).into()),
                    action: e
                        .rule_action()
                        .map(|a| a.as_str().to_ascii_lowercase().into()),
                    traffic: Traffic::new(
                        e.protocol().map(Known::from),
                        range.and_then(|r| r.from()).map(|n| i64::from(n).into()),
                        range.and_then(|r| r.to()).map(|n| i64::from(n).into()),
                    ),
                    cidr_block: e.cidr_block().map(Known::from),
                    ipv6_cidr_block: e.ipv6_cidr_block().map(Known::from),
                }
            })
            .collect();
        let mut r = ctx.resource(
            &ctx.ec2_arn("network-acl", id),
            "aws_network_acl",
            id,
            &ops::EC2_DESCRIBE_NETWORK_ACLS,
        );
        tag(&mut r, a.tags());
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("vpc_id", json!(a.vpc_id())),
                ("entries", json!(entries)),
            ],
        );
        set_flags(&mut r, [("is_default", a.is_default())]);
        out.push(r);
    }
    ctx.push_all(out);
    futures::join!(
        ebs(ctx, &ec2),
        instances(ctx, &ec2),
        launch_templates(ctx, &ec2)
    );
}

async fn ebs(ctx: &Ctx, ec2: &aws_sdk_ec2::Client) {
    let default_encryption = async {
        let on = ctx
            .call(
                &ops::EC2_GET_EBS_ENCRYPTION_BY_DEFAULT,
                "",
                ec2.get_ebs_encryption_by_default().send(),
            )
            .await?
            .ebs_encryption_by_default()
            .unwrap_or(false);
        // The default key matters only while encryption by default is on.
        let key = if on {
            ctx.call(
                &ops::EC2_GET_EBS_DEFAULT_KMS_KEY_ID,
                "",
                ec2.get_ebs_default_kms_key_id().send(),
            )
            .await
            .and_then(|k| k.kms_key_id().map(str::to_string))
        } else {
            None
        };
        Some((on, key))
    };
    let (default, volumes, snapshots) = futures::join!(
        default_encryption,
        ctx.pages(
            &ops::EC2_DESCRIBE_VOLUMES,
            "",
            ec2.describe_volumes().into_paginator().send()
        ),
        ctx.pages(
            &ops::EC2_DESCRIBE_SNAPSHOTS,
            "",
            ec2.describe_snapshots()
                .owner_ids("self")
                .into_paginator()
                .send()
        ),
    );
    if let Some((on, key)) = default {
        let region = ctx.region.as_deref().unwrap_or_default();
        let mut r = ctx.resource(
            &format!("aws:{}:{region}:ebs-encryption-by-default", ctx.account),
            "aws_ebs_encryption_by_default",
            &format!("EBS encryption by default ({region})"),
            &ops::EC2_GET_EBS_ENCRYPTION_BY_DEFAULT,
        );
        set_all(&mut r, [("enabled", json!(on)), ("kms_key_id", json!(key))]);
        ctx.push(r);
    }
    let mut out = Vec::new();
    for v in volumes.iter().flat_map(|p| p.volumes()) {
        let id = v.volume_id().unwrap_or_default();
        let mut r = ctx.resource(
            &ctx.ec2_arn("volume", id),
            "aws_ebs_volume",
            id,
            &ops::EC2_DESCRIBE_VOLUMES,
        );
        tag(&mut r, v.tags());
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("encrypted", json!(v.encrypted())),
                ("kms_key_id", json!(v.kms_key_id())),
                ("availability_zone", json!(v.availability_zone())),
            ],
        );
        out.push(r);
    }
    for s in snapshots.iter().flat_map(|p| p.snapshots()) {
        let id = s.snapshot_id().unwrap_or_default();
        let mut r = ctx.resource(
            &format!(
                "arn:aws:ec2:{}::snapshot/{id}",
                ctx.region.as_deref().unwrap_or_default()
            ),
            "aws_ebs_snapshot",
            id,
            &ops::EC2_DESCRIBE_SNAPSHOTS,
        );
        tag(&mut r, s.tags());
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("encrypted", json!(s.encrypted())),
                ("kms_key_id", json!(s.kms_key_id())),
                ("volume_id", json!(s.volume_id())),
            ],
        );
        out.push(r);
    }
    ctx.push_all(out);
}

async fn instances(ctx: &Ctx, ec2: &aws_sdk_ec2::Client) {
    let pages = ctx
        .pages(
            &ops::EC2_DESCRIBE_INSTANCES,
            "",
            ec2.describe_instances()
                .filters(
                    Filter::builder()
                        .name("instance-state-name")
                        .values("pending")
                        .values("running")
                        .values("stopping")
                        .values("stopped")
                        .build(),
                )
                .into_paginator()
                .send(),
        )
        .await;
    let mut out = Vec::new();
    for i in pages
        .iter()
        .flat_map(|p| p.reservations())
        .flat_map(|r| r.instances())
    {
        let id = i.instance_id().unwrap_or_default();
        let mut r = ctx.resource(
            &ctx.ec2_arn("instance", id),
            "aws_instance",
            id,
            &ops::EC2_DESCRIBE_INSTANCES,
        );
        tag(&mut r, i.tags());
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("subnet_id", json!(i.subnet_id())),
                ("vpc_id", json!(i.vpc_id())),
                ("public_ip", json!(i.public_ip_address())),
                (
                    "iam_instance_profile",
                    json!(i.iam_instance_profile().and_then(|p| p.arn())),
                ),
            ],
        );
        // The volumes by id; their encryption is the volume's, joined in `derive`.
        let devices: Vec<BlockDevice> = i
            .block_device_mappings()
            .iter()
            .filter_map(|m| {
                Some(BlockDevice {
                    device_name: m.device_name().map(Known::from),
                    encrypted: None,
                    kms_key_id: None,
                    volume_id: Some(m.ebs()?.volume_id()?.into()),
                })
            })
            .collect();
        r.put("block_devices", Attr::Explicit(devices), None);
        let public = Some(Known::Value(i.public_ip_address().is_some()));
        r.put("associate_public_ip_address", Attr::Explicit(public), None);
        let md = i.metadata_options();
        put_metadata_options(
            &mut r,
            md.and_then(|m| m.http_endpoint()).map(|e| e.as_str()),
            md.and_then(|m| m.http_tokens()).map(|t| t.as_str()),
        );
        out.push(r);
    }
    ctx.push_all(out);
}

/// The metadata options an instance or a launch template version reports; a setting it does not
/// report is AWS's default, and marked so.
fn put_metadata_options(r: &mut Resource, endpoint: Option<&str>, tokens: Option<&str>) {
    let attr = MetadataOptions::read(endpoint.map(Known::from), tokens.map(Known::from));
    r.put("metadata_options", attr, None);
}

/// The default and the latest version of every launch template (one call for all of them);
/// each version launched is judged, so a template is one resource per distinct version.
async fn launch_templates(ctx: &Ctx, ec2: &aws_sdk_ec2::Client) {
    let pages = ctx
        .pages(
            &ops::EC2_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
            "",
            ec2.describe_launch_template_versions()
                .versions("$Default")
                .versions("$Latest")
                .into_paginator()
                .send(),
        )
        .await;
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for v in pages.iter().flat_map(|p| p.launch_template_versions()) {
        let (Some(id), Some(number)) = (v.launch_template_id(), v.version_number()) else {
            continue;
        };
        if !seen.insert((id.to_string(), number)) {
            continue;
        }
        let name = v.launch_template_name().unwrap_or(id);
        let mut r = ctx.resource(
            &format!("{}:version/{number}", ctx.ec2_arn("launch-template", id)),
            "aws_launch_template",
            name,
            &ops::EC2_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
        );
        set_all(
            &mut r,
            [
                ("id", json!(id)),
                ("name", json!(name)),
                ("version", json!(number)),
                ("default_version", json!(v.default_version())),
            ],
        );
        let data = v.launch_template_data();
        let devices: Vec<BlockDevice> = data
            .map(|d| d.block_device_mappings())
            .unwrap_or_default()
            .iter()
            .filter_map(|m| {
                let ebs = m.ebs()?;
                Some(BlockDevice {
                    device_name: m.device_name().map(Known::from),
                    encrypted: ebs.encrypted().map(Known::from),
                    kms_key_id: ebs.kms_key_id().map(Known::from),
                    volume_id: None,
                })
            })
            .collect();
        let devices = if devices.is_empty() {
            Attr::Default(vec![BlockDevice::from_ami()])
        } else {
            Attr::Explicit(devices)
        };
        r.put("block_devices", devices, None);
        let set: Vec<Known<bool>> = data
            .map(|d| d.network_interfaces())
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n.associate_public_ip_address().map(Known::from))
            .collect();
        r.put(
            "associate_public_ip_address",
            public_ip_of_interfaces(set),
            None,
        );
        let md = data.and_then(|d| d.metadata_options());
        put_metadata_options(
            &mut r,
            md.and_then(|m| m.http_endpoint()).map(|e| e.as_str()),
            md.and_then(|m| m.http_tokens()).map(|t| t.as_str()),
        );
        out.push(r);
    }
    ctx.push_all(out);
}

/// Facts that join resources of one region: subnets that route to an internet gateway, and the
/// databases placed in them (the Terraform adapter derives the same); each instance's volumes
/// with their encryption.
pub(crate) fn derive(resources: &mut [Resource]) {
    join_instance_volumes(resources);
    super::mark_public_subnets(resources, |target| {
        target.as_str().is_some_and(|t| t.starts_with("igw-"))
    });
    let public_subnets: HashMap<String, String> = resources
        .iter()
        .filter(|r| r.derived["routes_to_internet_gateway"] == json!(true))
        .filter_map(|r| Some((r.attribute("id")?.as_str()?.to_string(), r.uid.clone())))
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "aws_db_instance" || r.resource_type == "aws_rds_cluster")
    {
        let public: Vec<&String> = r
            .attribute("subnet_ids")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| public_subnets.get(s.as_str().unwrap_or_default()))
            .collect();
        r.derived["public_subnets"] = json!(public);
    }
}

/// Each instance volume's encryption, from the volume DescribeVolumes returned. A volume that is
/// not among them (the call failed, or the volume was replaced between the calls) makes the
/// instance's volumes not read, never unencrypted or encrypted by assumption.
fn join_instance_volumes(resources: &mut [Resource]) {
    let volumes: HashMap<String, (Json, Json)> = resources
        .iter()
        .filter(|r| r.resource_type == "aws_ebs_volume")
        .filter_map(|r| {
            let id = r.attribute("id")?.as_str()?.to_string();
            let encryption = (
                r.attributes["encrypted"].clone(),
                r.attributes["kms_key_id"].clone(),
            );
            Some((id, encryption))
        })
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.resource_type == "aws_instance")
    {
        let Some(Json::Array(devices)) = r.attributes.get_mut("block_devices") else {
            continue;
        };
        let mut missing = None;
        for d in devices.iter_mut() {
            let id = d["volume_id"].as_str().unwrap_or_default();
            match volumes.get(id) {
                Some((encrypted, key)) => {
                    d["encrypted"] = encrypted.clone();
                    d["kms_key_id"] = key.clone();
                }
                None => missing = Some(id.to_string()),
            }
        }
        if let Some(id) = missing {
            let why = format!("volume {id} was not among the volumes DescribeVolumes returned");
            r.put::<Vec<BlockDevice>>("block_devices", Attr::NotRead(why), None);
        }
    }
}
