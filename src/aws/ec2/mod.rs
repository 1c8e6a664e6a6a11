//! EC2 and VPC: VPCs, subnets, route tables, gateways, security groups, network ACLs, EBS
//! volumes, snapshots, encryption by default and instances. `terraform.rs` reads them from a
//! configuration, `live.rs` from the API; both build the rule types below.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use serde::Serialize;
use serde_json::{json, Value as Json};

use super::ResourceType;
use crate::model::{Attr, Known, Resource};

/// A string that may not be known; absent is `null`.
type Text = Option<Known<String>>;

/// A list of strings that may be unknown as a whole or element by element.
type Texts = Known<Vec<Known<String>>>;

/// The traffic a rule matches, the same whichever source wrote it: protocol numbers as names
/// (`6` → `tcp`), all traffic as `-1` (`all` too) with ports 0, since AWS ignores the ports of
/// such a rule and the API returns none.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Traffic {
    pub protocol: Known<String>,
    pub from_port: Option<Known<i64>>,
    pub to_port: Option<Known<i64>>,
}

impl Traffic {
    /// `protocol` absent is all traffic, as in the API.
    pub fn new(
        protocol: Option<Known<String>>,
        from_port: Option<Known<i64>>,
        to_port: Option<Known<i64>>,
    ) -> Traffic {
        let protocol = protocol
            .unwrap_or_else(|| "-1".into())
            .map(|p| protocol_name(&p));
        if protocol == Known::Value("-1".into()) {
            return Traffic {
                protocol,
                from_port: Some(0.into()),
                to_port: Some(0.into()),
            };
        }
        Traffic {
            protocol,
            from_port,
            to_port,
        }
    }
}

/// `-1` and `all` as `-1`; the numbers of tcp, udp, icmp and icmpv6 as their names; any other
/// protocol as written, in lower case.
fn protocol_name(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.into(),
    }
}

/// One ingress or egress rule of a security group (`ingress`, `egress`).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SecurityGroupRule {
    #[serde(flatten)]
    pub traffic: Traffic,
    pub cidr_blocks: Texts,
    pub ipv6_cidr_blocks: Texts,
    /// Other security groups the rule admits (the group itself is `self`).
    pub security_groups: Texts,
    #[serde(rename = "self")]
    pub to_itself: Known<bool>,
    pub description: Text,
}

/// One entry of a network ACL (`entries`).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct NetworkAclEntry {
    pub egress: bool,
    pub rule_no: Option<Known<i64>>,
    /// `allow` or `deny`.
    pub action: Text,
    #[serde(flatten)]
    pub traffic: Traffic,
    pub cidr_block: Text,
    pub ipv6_cidr_block: Text,
}

/// EC2's and VPC's resource types.
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType::adapted("aws_security_group", terraform::security_group),
    ResourceType::adapted("aws_vpc", terraform::vpc),
    ResourceType::adapted("aws_subnet", terraform::subnet),
    ResourceType::adapted("aws_route_table", terraform::route_table),
    ResourceType::adapted("aws_network_acl", terraform::network_acl),
    ResourceType::adapted("aws_default_network_acl", terraform::network_acl),
    ResourceType {
        data_store: true,
        ..ResourceType::adapted("aws_ebs_volume", terraform::ebs_volume)
    },
    ResourceType::adapted("aws_ebs_encryption_by_default", terraform::ebs_default),
    ResourceType::adapted("aws_instance", terraform::instance),
    ResourceType::adapted("aws_launch_template", terraform::launch_template),
    ResourceType::adapted("aws_launch_configuration", terraform::launch_configuration),
];

/// One EBS volume that an instance, a launch template or a launch configuration attaches
/// (`block_devices`). Instance-store volumes are not EBS and are left out.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct BlockDevice {
    /// The device name; `root` for an instance's root volume (`root_block_device`), and `ami`
    /// for the volumes a machine takes from its AMI without mapping them.
    pub device_name: Text,
    /// `null` when not set: the volume is then encrypted only if the snapshot it starts from
    /// is, or if EBS encryption by default is on in the account and region.
    pub encrypted: Option<Known<bool>>,
    pub kms_key_id: Text,
    /// The volume itself, where the source knows it (a running instance).
    pub volume_id: Text,
}

impl BlockDevice {
    /// The volumes a machine gets from its AMI when nothing maps them: their encryption is the
    /// AMI's snapshots' and the account's encryption by default, which a configuration does not
    /// show.
    pub fn from_ami() -> Self {
        BlockDevice {
            device_name: Some("ami".into()),
            encrypted: None,
            kms_key_id: None,
            volume_id: None,
        }
    }
}

/// Whether a launch template's network interfaces give a machine a public IP address
/// (`associate_public_ip_address` of each interface that sets it): one that asks for one is
/// enough, one known only after apply may be it; none set (`null`), the subnet decides.
pub fn public_ip_of_interfaces(set: Vec<Known<bool>>) -> Attr<Option<Known<bool>>> {
    let public = set
        .iter()
        .find(|v| **v == Known::Value(true))
        .or_else(|| set.iter().find(|v| !matches!(v, Known::Value(_))))
        .or(set.first())
        .cloned();
    match public {
        Some(v) => Attr::Explicit(Some(v)),
        None => Attr::Default(None),
    }
}

/// The instance metadata service of an instance or a launch template (`metadata_options`).
/// With `http_tokens = "optional"` IMDSv1 answers unauthenticated requests: a server-side
/// request forgery in the application hands out the instance role's credentials.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct MetadataOptions {
    /// `enabled` or `disabled` (no metadata service at all).
    pub http_endpoint: Known<String>,
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 too).
    pub http_tokens: Known<String>,
}

impl MetadataOptions {
    /// What an instance gets when nothing says otherwise: the service on, IMDSv1 allowed (unless
    /// the AMI or the account's IMDS defaults require v2, which a configuration does not show).
    pub fn aws_default() -> Self {
        MetadataOptions {
            http_endpoint: "enabled".into(),
            http_tokens: "optional".into(),
        }
    }

    /// The settings as a source gives them, each AWS's default where not given: explicit when
    /// `http_tokens` (the setting that decides) is given, AWS's default otherwise.
    pub fn read(
        http_endpoint: Option<Known<String>>,
        http_tokens: Option<Known<String>>,
    ) -> Attr<Self> {
        let given = http_tokens.is_some();
        let d = MetadataOptions::aws_default();
        let options = MetadataOptions {
            http_endpoint: http_endpoint.unwrap_or(d.http_endpoint),
            http_tokens: http_tokens.unwrap_or(d.http_tokens),
        };
        if given {
            Attr::Explicit(options)
        } else {
            Attr::Default(options)
        }
    }
}

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

/// How the live collector reads the service (`--services ec2`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "ec2",
        collector: crate::collect::aws::live::Collector::Regional(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_traffic_is_one_value_with_ports_zero_whatever_was_written() {
        for written in ["-1", "all", "ALL"] {
            let t = Traffic::new(Some(written.into()), Some(22.into()), Some(22.into()));
            assert_eq!(t.protocol, Known::Value("-1".into()));
            assert_eq!((t.from_port, t.to_port), (Some(0.into()), Some(0.into())));
        }
        assert_eq!(Traffic::new(None, None, None).protocol, "-1".into());
        let tcp = Traffic::new(Some("6".into()), Some(22.into()), Some(22.into()));
        assert_eq!(tcp.protocol, "tcp".into());
        assert_eq!(tcp.from_port, Some(22.into()));
    }

    #[test]
    fn an_unknown_protocol_keeps_its_ports_and_stays_unknown() {
        let t = Traffic::new(
            Some(Known::Unknown("var.protocol".into())),
            Some(22.into()),
            Some(22.into()),
        );
        assert!(matches!(t.protocol, Known::Unknown(_)));
        assert_eq!(t.from_port, Some(22.into()));
    }
}
