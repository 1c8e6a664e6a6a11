//! Arbitrary JSON as an IAM policy document (identity, trust and resource policy at once),
//! through the normalizer and the least-privilege analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::model::{Origin, Resource};
use serde_json::{json, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let doc = rampart::terraform::adapter::normalize_document(&doc);
    let mut role = Resource::new("aws_iam_role.r", "aws_iam_role", Origin::default());
    role.name = "r".into();
    role.attributes = json!({"name": "r", "path": "/", "assume_role_policy": doc,
        "policies": [{"name": "p", "kind": "inline", "arn": null, "document": doc}]});
    let mut bucket = Resource::new("aws_s3_bucket.b", "aws_s3_bucket", Origin::default());
    bucket.attributes = json!({"bucket": "b", "policy": doc});
    bucket.derived = json!({"strict": true});
    let mut key = Resource::new("aws_kms_key.k", "aws_kms_key", Origin::default());
    key.attributes = json!({"policy": doc});
    key.derived = json!({"strict": true});
    let mut resources = vec![role, bucket, key];
    rampart::analyze::iam::analysis::analyze(&mut resources, rampart::suppress::today());
});
