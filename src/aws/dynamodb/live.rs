//! DynamoDB from the API: every table of the region with its encryption, backups and deletion protection.

use futures::stream::{self, StreamExt};
use serde_json::json;

use crate::collect::aws::live::{ops, set_all, set_flags, tag_map, watched, Ctx, Fetch};
use crate::model::{AttributeMeta, Resource};

pub(crate) async fn collect(ctx: &Ctx, conf: &aws_config::SdkConfig) {
    let ddb = watched!(ctx, aws_sdk_dynamodb, conf);
    let pages = ctx
        .pages(
            &ops::DYNAMODB_LIST_TABLES,
            "",
            ddb.list_tables().into_paginator().send(),
        )
        .await;
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.table_names())
        .cloned()
        .collect();
    let per_table = (ctx.concurrency / 3).max(1);
    let found: Vec<Option<Resource>> = stream::iter(names)
        .map(|name| {
            let ddb = ddb.clone();
            async move { table(ctx, &ddb, &name).await }
        })
        .buffer_unordered(per_table)
        .collect()
        .await;
    ctx.push_all(found.into_iter().flatten());
}

async fn table(ctx: &Ctx, ddb: &aws_sdk_dynamodb::Client, name: &str) -> Option<Resource> {
    let described = match ctx
        .fetch(
            &ops::DYNAMODB_DESCRIBE_TABLE,
            name,
            ddb.describe_table().table_name(name).send(),
        )
        .await
    {
        Fetch::Got(d) => d,
        Fetch::Absent => return None,
        // Listed but not described: the table is kept, every setting the rules read unread.
        Fetch::Failed(u) => {
            let arn = format!(
                "arn:aws:dynamodb:{}:{}:table/{name}",
                ctx.region.as_deref().unwrap_or_default(),
                ctx.account
            );
            let mut r = ctx.resource(&arn, "aws_dynamodb_table", name, &ops::DYNAMODB_LIST_TABLES);
            r.set_attribute("name", json!(name), AttributeMeta::explicit());
            ctx.unread(
                &mut r,
                &[
                    "server_side_encryption",
                    "point_in_time_recovery",
                    "deletion_protection_enabled",
                    "tags",
                ],
                &u,
            );
            return Some(r);
        }
    };
    let t = described.table()?;
    let arn = t.table_arn().unwrap_or(name).to_string();
    let (backups, tags) = futures::join!(
        ctx.fetch(
            &ops::DYNAMODB_DESCRIBE_CONTINUOUS_BACKUPS,
            name,
            ddb.describe_continuous_backups().table_name(name).send()
        ),
        ctx.call_or_absent(
            &ops::DYNAMODB_LIST_TAGS,
            name,
            &[],
            ddb.list_tags_of_resource().resource_arn(&arn).send()
        ),
    );
    let mut r = ctx.resource(
        &arn,
        "aws_dynamodb_table",
        name,
        &ops::DYNAMODB_DESCRIBE_TABLE,
    );
    let sse = t.sse_description();
    let kms = sse.is_some_and(|s| s.sse_type().is_some_and(|x| x.as_str() == "KMS"));
    set_all(
        &mut r,
        [
            ("name", json!(name)),
            (
                "server_side_encryption",
                if kms {
                    json!({"sse_type": "KMS", "kms_key_arn": sse.and_then(|s| s.kms_master_key_arn())})
                } else {
                    json!({"sse_type": "AWS_OWNED", "kms_key_arn": null})
                },
            ),
        ],
    );
    set_flags(
        &mut r,
        [(
            "deletion_protection_enabled",
            t.deletion_protection_enabled(),
        )],
    );
    if let Fetch::Failed(u) = &backups {
        ctx.unread(&mut r, &["point_in_time_recovery"], u);
    }
    if let Fetch::Got(b) = backups {
        let on = b
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .is_some_and(|s| s.as_str() == "ENABLED");
        r.set_attribute(
            "point_in_time_recovery",
            json!(on),
            AttributeMeta::explicit(),
        );
    }
    match tags {
        Fetch::Got(out) => {
            r.tags = tag_map(out.tags().iter().map(|t| (Some(t.key()), Some(t.value()))))
        }
        Fetch::Absent => {}
        Fetch::Failed(u) => ctx.unread(&mut r, &["tags"], &u),
    }
    Some(r)
}
