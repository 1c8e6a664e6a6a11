//! RDS from Terraform: instances, clusters, parameter groups and subnet groups, joined.

use serde_json::{json, Map, Value as Json};

use crate::model::{AttributeMeta, Provenance, Resource, SourceKind};
use crate::terraform::adapter::{blocks, raw, Adapter, Builder};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

pub fn db_instance(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_db_instance");
    b.name_from("identifier")
        .attr("identifier", "identifier", Json::Null)
        .attr("engine", "engine", Json::Null)
        .attr("engine_version", "engine_version", Json::Null)
        .attr("storage_encrypted", "storage_encrypted", json!(false))
        .attr("kms_key_id", "kms_key_id", Json::Null)
        .attr("publicly_accessible", "publicly_accessible", json!(false))
        .attr(
            "backup_retention_period",
            "backup_retention_period",
            json!(1),
        )
        .attr("deletion_protection", "deletion_protection", json!(false))
        .attr("multi_az", "multi_az", json!(false))
        .attr(
            "iam_database_authentication_enabled",
            "iam_database_authentication_enabled",
            json!(false),
        )
        .attr(
            "auto_minor_version_upgrade",
            "auto_minor_version_upgrade",
            json!(true),
        )
        .attr(
            "enabled_cloudwatch_logs_exports",
            "enabled_cloudwatch_logs_exports",
            json!([]),
        )
        .attr("replicate_source_db", "replicate_source_db", Json::Null)
        .attr("parameter_group_name", "parameter_group_name", Json::Null)
        .attr("db_subnet_group_name", "db_subnet_group_name", Json::Null);
    b.default("parameters", json!({}));
    b.finish()
}

pub fn rds_cluster(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_rds_cluster");
    let serverless_v1 = b.raw("engine_mode").and_then(Val::as_str) == Some("serverless");
    b.name_from("cluster_identifier")
        .attr("cluster_identifier", "identifier", Json::Null)
        .attr("engine", "engine", json!("aurora"))
        .attr("engine_version", "engine_version", Json::Null)
        .attr(
            "storage_encrypted",
            "storage_encrypted",
            json!(serverless_v1),
        )
        .attr("kms_key_id", "kms_key_id", Json::Null)
        .attr(
            "backup_retention_period",
            "backup_retention_period",
            json!(1),
        )
        .attr("deletion_protection", "deletion_protection", json!(false))
        .attr(
            "iam_database_authentication_enabled",
            "iam_database_authentication_enabled",
            json!(false),
        )
        .attr(
            "enabled_cloudwatch_logs_exports",
            "enabled_cloudwatch_logs_exports",
            json!([]),
        )
        .attr(
            "db_cluster_parameter_group_name",
            "parameter_group_name",
            Json::Null,
        )
        .attr("db_subnet_group_name", "db_subnet_group_name", Json::Null);
    b.default("publicly_accessible", json!(false));
    b.default("parameters", json!({}));
    b.finish()
}

pub fn parameter_group(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, &ri.rtype);
    b.name_from("name")
        .attr("name", "name", Json::Null)
        .attr("family", "family", Json::Null);
    let mut params = Map::new();
    for p in blocks(&ri.values, "parameter") {
        if let Some(n) = raw(p, "name").and_then(Val::as_string) {
            params.insert(n, raw(p, "value").map(Val::to_json).unwrap_or(Json::Null));
        }
    }
    b.set("parameters", Json::Object(params), "parameter");
    b.finish()
}

pub fn db_subnet_group(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_db_subnet_group");
    b.name_from("name").attr("name", "name", Json::Null).attr(
        "subnet_ids",
        "subnet_ids",
        json!([]),
    );
    b.finish()
}

/// Joins databases to their parameter groups and subnet groups; read replicas inherit
/// encryption from their source.
pub fn derive(a: &mut Adapter) {
    let n = a.resources.len();
    for i in 0..n {
        let rtype = a.resources[i].resource_type.clone();
        if rtype != "aws_db_instance" && rtype != "aws_rds_cluster" {
            continue;
        }
        let group_type = if rtype == "aws_db_instance" {
            "aws_db_parameter_group"
        } else {
            "aws_rds_cluster_parameter_group"
        };
        let ri = a.instance_of(i);
        let group_name = a.resources[i]
            .attribute("parameter_group_name")
            .cloned()
            .filter(|g| !g.is_null());
        let group =
            ri.and_then(|ri| a.target(ri, "parameter_group_name", &[group_type], &["name"]));
        if group.is_none() {
            // A group that is not declared here: its parameters are not known, unless it is
            // one of the default groups AWS provides (`default.postgres16`).
            if let Some(name) = &group_name {
                let text = crate::model::text_of(name);
                if !text.starts_with("default.") {
                    let meta = AttributeMeta {
                        provenance: Provenance::Unknown,
                        span: a.resources[i].span_for("parameter_group_name").cloned(),
                        from: None,
                    };
                    a.resources[i].set_attribute(
                        "parameters",
                        crate::model::unknown(&format!(
                            "parameters of the parameter group {text}, which this configuration does not declare"
                        )),
                        meta,
                    );
                }
            }
        }
        if let Some(g) = group {
            let params = a.resources[g]
                .attribute("parameters")
                .cloned()
                .unwrap_or(json!({}));
            let meta = AttributeMeta {
                provenance: Provenance::Explicit,
                span: a.resources[g].origin.span.clone(),
                from: Some(a.resources[g].uid.clone()),
            };
            a.resources[i].set_attribute("parameters", params, meta);
        }
        let subnet_group = ri.and_then(|ri| {
            a.target(
                ri,
                "db_subnet_group_name",
                &["aws_db_subnet_group"],
                &["name"],
            )
        });
        if let Some(g) = subnet_group {
            let subnet_ids: Vec<Json> = a.resources[g]
                .attribute("subnet_ids")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            let group_ri = a.instance_of(g);
            let public: Vec<String> = subnet_ids
                .iter()
                .enumerate()
                .filter_map(|(k, s)| {
                    group_ri
                        .and_then(|gri| {
                            a.target(gri, &format!("subnet_ids.{k}"), &["aws_subnet"], &["id"])
                        })
                        .or_else(|| a.find(&Val::from_json(s), &["aws_subnet"], &["id"]))
                })
                .filter(|&s| a.resources[s].derived["routes_to_internet_gateway"] == json!(true))
                .map(|s| a.resources[s].uid.clone())
                .collect();
            a.resources[i].derived["public_subnets"] = json!(public);
        }
        // A replica's storage encryption follows its source.
        if rtype == "aws_db_instance" {
            let src = a.resources[i].attribute("replicate_source_db").cloned();
            if src.is_some_and(|s| !s.is_null()) {
                if let Some(si) = ri.and_then(|ri| {
                    a.target(
                        ri,
                        "replicate_source_db",
                        &["aws_db_instance"],
                        &["identifier", "arn"],
                    )
                }) {
                    let enc = a.resources[si]
                        .attribute("storage_encrypted")
                        .cloned()
                        .unwrap_or(json!(false));
                    let explicit = a.resources[i]
                        .attribute_meta
                        .get("storage_encrypted")
                        .is_some_and(|m| m.provenance == Provenance::Explicit);
                    if !explicit {
                        let meta = AttributeMeta {
                            provenance: Provenance::Default,
                            span: None,
                            from: Some(a.resources[si].uid.clone()),
                        };
                        a.resources[i].set_attribute("storage_encrypted", enc, meta);
                    }
                    a.resources[i].derived["replica_of"] = json!(a.resources[si].uid);
                }
            }
        }
    }
}
