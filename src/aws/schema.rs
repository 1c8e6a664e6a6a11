//! The JSON schema of each resource type with a typed model, generated from the model's types:
//! `reports/schema/resources/<type>.schema.json`. The files are checked in for readers of the
//! snapshot and the rule input; this test keeps them equal to the types
//! (`RAMPART_UPDATE_SCHEMAS=1` rewrites them), and the Terraform and live tests check what each
//! source writes against them.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::path::PathBuf;

use super::{ec2, s3};
use crate::model::Known;

/// The attributes a resource type's model fills, each with its type's schema. Other attributes
/// (written as configured or returned) may be there too.
fn resource(
    generator: &mut SchemaGenerator,
    rtype: &str,
    attributes: Vec<(&str, Schema)>,
) -> Schema {
    let names: Vec<&str> = attributes.iter().map(|(n, _)| *n).collect();
    let properties: serde_json::Map<String, serde_json::Value> = attributes
        .into_iter()
        .map(|(n, s)| (n.to_string(), s.to_value()))
        .collect();
    let mut schema = json_schema!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{rtype} attributes"),
        "description": format!("The attributes of an `{rtype}` resource that rampart's model fills, from Terraform and from the API alike. Generated from src/aws; do not edit."),
        "type": "object",
        "required": names,
        "properties": properties,
    });
    let defs = generator.take_definitions(true);
    if !defs.is_empty() {
        schema.insert("$defs".into(), serde_json::Value::Object(defs));
    }
    schema
}

/// A part of the model, or in its place the marker of a part known only after apply or not read.
fn part<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<Known<T>>()
}

/// A list of parts, or the marker of a list known only after apply or not read.
fn list<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<Known<Vec<T>>>()
}

/// Every resource type with a typed model, and its schema.
fn schemas() -> Vec<(&'static str, Schema)> {
    let mut g = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut out = Vec::new();
    let attrs = vec![
        (
            "server_side_encryption",
            part::<s3::ServerSideEncryption>(&mut g),
        ),
        ("public_access_block", part::<s3::PublicAccessBlock>(&mut g)),
        ("versioning", part::<s3::Versioning>(&mut g)),
        ("logging", part::<s3::Logging>(&mut g)),
        ("ownership_controls", part::<s3::OwnershipControls>(&mut g)),
        ("acl", part::<s3::Acl>(&mut g)),
        ("lifecycle_rules", list::<s3::LifecycleRule>(&mut g)),
        ("object_lock", part::<s3::ObjectLock>(&mut g)),
    ];
    out.push(("aws_s3_bucket", resource(&mut g, "aws_s3_bucket", attrs)));
    let attrs = vec![
        ("ingress", list::<ec2::SecurityGroupRule>(&mut g)),
        ("egress", list::<ec2::SecurityGroupRule>(&mut g)),
    ];
    out.push((
        "aws_security_group",
        resource(&mut g, "aws_security_group", attrs),
    ));
    let attrs = vec![("entries", list::<ec2::NetworkAclEntry>(&mut g))];
    out.push((
        "aws_network_acl",
        resource(&mut g, "aws_network_acl", attrs),
    ));
    for rtype in [
        "aws_instance",
        "aws_launch_template",
        "aws_launch_configuration",
    ] {
        let attrs = vec![
            ("metadata_options", part::<ec2::MetadataOptions>(&mut g)),
            ("block_devices", list::<ec2::BlockDevice>(&mut g)),
            ("associate_public_ip_address", part::<Option<bool>>(&mut g)),
        ];
        out.push((rtype, resource(&mut g, rtype, attrs)));
    }
    out
}

#[test]
fn resource_schemas_are_generated_from_the_model() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reports/schema/resources");
    let update = std::env::var_os("RAMPART_UPDATE_SCHEMAS").is_some();
    for (rtype, schema) in schemas() {
        let path = dir.join(format!("{rtype}.schema.json"));
        let mut text = serde_json::to_string_pretty(&schema).unwrap();
        text.push('\n');
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            written,
            text,
            "{} is not what the model generates; run with RAMPART_UPDATE_SCHEMAS=1",
            path.display()
        );
    }
}
