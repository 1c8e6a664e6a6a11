//! DynamoDB tables from Terraform.

use serde_json::{json, Value as Json};

use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::{raw, Builder};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

pub fn dynamodb_table(ri: &RawInstance, source: SourceKind) -> Resource {
    let mut b = Builder::new(ri, source, "aws_dynamodb_table");
    b.name_from("name").attr("name", "name", Json::Null);
    match b.raw("server_side_encryption.0") {
        Some(s) if raw(s, "enabled").and_then(Val::as_bool) == Some(true) => {
            let key = raw(s, "kms_key_arn")
                .map(Val::to_json)
                .unwrap_or(Json::Null);
            b.set(
                "server_side_encryption",
                json!({"sse_type": "KMS", "kms_key_arn": key}),
                "server_side_encryption",
            );
        }
        Some(_) => b.set(
            "server_side_encryption",
            json!({"sse_type": "AWS_OWNED", "kms_key_arn": null}),
            "server_side_encryption",
        ),
        // DynamoDB always encrypts; without configuration, with an AWS owned key.
        None => b.default(
            "server_side_encryption",
            json!({"sse_type": "AWS_OWNED", "kms_key_arn": null}),
        ),
    }
    b.attr(
        "point_in_time_recovery.0.enabled",
        "point_in_time_recovery",
        json!(false),
    )
    .attr(
        "deletion_protection_enabled",
        "deletion_protection_enabled",
        json!(false),
    );
    b.finish()
}
