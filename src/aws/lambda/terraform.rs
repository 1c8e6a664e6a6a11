//! Lambda functions from Terraform. A function's resource policy is not written as a document:
//! each `aws_lambda_permission` adds one statement (what `lambda:AddPermission` does), so the
//! adapter writes that statement into the function's `policy`, where the resource-policy rules
//! read it as they read a bucket's.

use serde_json::{json, Value as Json};

use crate::aws::iam::policy::normalize_document;
use crate::aws::iam::terraform::with_resource_policy;
use crate::model::{Resource, SourceKind};
use crate::terraform::adapter::{folded_meta, raw, Adapter, Builder};
use crate::terraform::eval::RawInstance;
use crate::terraform::value::Val;

pub fn function(ri: &RawInstance, source: SourceKind) -> Resource {
    // No inline policy: `policy` stays null until a permission adds a statement.
    with_resource_policy(ri, source, "aws_lambda_function", "function_name", "policy")
}

/// The statement a permission adds: its principal (a service, an account, or `*`), its action,
/// and its conditions (`source_arn`, `source_account`, `principal_org_id`). Any of them known
/// only after apply makes the statement unknown: a principal or a condition cannot be guessed.
fn statement(v: &Val) -> Json {
    let fields = [
        "principal",
        "action",
        "source_arn",
        "source_account",
        "principal_org_id",
    ];
    if let Some(u) = fields
        .iter()
        .filter_map(|f| raw(v, f))
        .find(|x| x.is_unknown())
    {
        return u.to_json();
    }
    let text = |f: &str| raw(v, f).map(Val::to_json);
    let principal = match raw(v, "principal").and_then(Val::as_str) {
        Some(p) if p.ends_with(".amazonaws.com") => json!({"Service": p}),
        Some(p) => json!({"AWS": p}),
        None => json!({"AWS": "*"}),
    };
    let mut condition = serde_json::Map::new();
    if let Some(arn) = text("source_arn") {
        condition.insert("ArnLike".into(), json!({"aws:SourceArn": arn}));
    }
    let mut equals = serde_json::Map::new();
    if let Some(account) = text("source_account") {
        equals.insert("aws:SourceAccount".into(), account);
    }
    if let Some(org) = text("principal_org_id") {
        equals.insert("aws:PrincipalOrgID".into(), org);
    }
    if !equals.is_empty() {
        condition.insert("StringEquals".into(), Json::Object(equals));
    }
    let mut st = json!({
        "Sid": text("statement_id").unwrap_or(Json::Null),
        "Effect": "Allow",
        "Principal": principal,
        "Action": text("action").unwrap_or(json!("lambda:InvokeFunction")),
    });
    if !condition.is_empty() {
        st["Condition"] = Json::Object(condition);
    }
    st
}

/// Adds each `aws_lambda_permission` to the policy of the function it names; one whose function
/// is not in this root stays a resource of its own with its one statement as its policy.
pub(crate) fn fold(a: &mut Adapter, ri: &RawInstance) -> bool {
    if ri.rtype != "aws_lambda_permission" {
        return false;
    }
    let st = statement(&ri.values);
    let target = a.target(
        ri,
        "function_name",
        &["aws_lambda_function"],
        &["function_name", "arn"],
    );
    let Some(t) = target else {
        let mut b = Builder::new(ri, a.source, &ri.rtype);
        b.copy_all();
        b.set("policy", policy_of(vec![st]), "");
        a.push(b.finish());
        return true;
    };
    let meta = folded_meta(ri, "principal", &st);
    let r = a.get_mut(t);
    // A policy or a statement known only after apply makes the whole policy unknown.
    let policy = match r.attributes.get("policy") {
        Some(p) if crate::model::is_unknown(p) => p.clone(),
        Some(Json::Object(doc)) => {
            let mut statements = doc
                .get("Statement")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            statements.push(st);
            policy_of(statements)
        }
        _ => policy_of(vec![st]),
    };
    r.set_attribute("policy", policy, meta);
    true
}

/// A policy document of these statements, in the normalized form the rules read.
fn policy_of(statements: Vec<Json>) -> Json {
    if let Some(u) = statements.iter().find(|s| crate::model::is_unknown(s)) {
        return u.clone();
    }
    normalize_document(&json!({"Version": "2012-10-17", "Statement": statements}))
}
