//! IAM policy documents: parsing every valid form, reporting invalid ones, and deciding whether
//! a set of policies allows an action on a resource, with AWS's evaluation logic: an explicit
//! deny wins, an allow is needed, and a grant that holds only under a condition stays
//! conditional with its condition (neither dropped nor assumed).

use serde::Serialize;
use serde_json::Value as Json;

use super::catalog::{catalog, wildcard_match};
use crate::model::{is_unknown, UNKNOWN_KEY};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// A value in a policy: a (possibly wildcarded) string, or a value known only after apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Value {
    Text(String),
    Unknown(String),
}

impl Value {
    fn from_json(v: &Json) -> Option<Value> {
        match v {
            Json::String(s) => Some(Value::Text(s.clone())),
            Json::Bool(b) => Some(Value::Text(b.to_string())),
            Json::Number(n) => Some(Value::Text(n.to_string())),
            o if is_unknown(o) => Some(Value::Unknown(
                o[UNKNOWN_KEY].as_str().unwrap_or("").to_string(),
            )),
            _ => None,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Value::Text(s) | Value::Unknown(s) => s,
        }
    }
}

fn values(v: Option<&Json>) -> Vec<Value> {
    match v {
        Some(Json::Array(a)) => a.iter().filter_map(Value::from_json).collect(),
        Some(other) => Value::from_json(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// `Action` / `NotAction` (and the same for resources and principals).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matcher {
    pub not: bool,
    pub values: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// As written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

impl Condition {
    /// Whether the condition can never hold again after `today`: a date before which the
    /// request must be made (`aws:CurrentTime`) or its credentials issued
    /// (`aws:TokenIssueTime`), and every date given is in the past. A margin of two days
    /// covers time zones and the longest session. Operators that hold when the key is absent
    /// (`…IfExists`) or that a later date satisfies stay conditions.
    pub fn never_holds_after(&self, today: time::Date) -> bool {
        let op = self.operator.to_ascii_lowercase();
        let key = self.key.to_ascii_lowercase();
        if !matches!(
            op.as_str(),
            "datelessthan" | "datelessthanequals" | "dateequals"
        ) || !matches!(key.as_str(), "aws:currenttime" | "aws:tokenissuetime")
        {
            return false;
        }
        let cutoff = today - time::Duration::days(2);
        !self.values.is_empty()
            && self
                .values
                .iter()
                .all(|v| date_of(v).is_some_and(|d| d < cutoff))
    }
}

/// The date of an ISO 8601 date or date-time, or of epoch seconds, as IAM accepts them.
fn date_of(v: &str) -> Option<time::Date> {
    if let Ok(secs) = v.parse::<i64>() {
        return time::OffsetDateTime::from_unix_timestamp(secs)
            .ok()
            .map(|t| t.date());
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(v.get(..10)?, format).ok()
}

/// `Principal` / `NotPrincipal`: by kind (`AWS`, `Service`, `Federated`, `CanonicalUser`), or `*`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Principals {
    pub not: bool,
    pub entries: Vec<(String, Value)>,
}

impl Principals {
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.entries
            .iter()
            .filter(move |(k, _)| k == kind)
            .map(|(_, v)| v)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    /// Position in the document's Statement list.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Matcher,
    /// Absent in trust policies.
    pub resources: Option<Matcher>,
    pub principals: Option<Principals>,
    pub conditions: Vec<Condition>,
}

/// A problem with a policy document, reported as a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub kind: &'static str,
    pub statement: Option<usize>,
    pub detail: String,
}

const OPERATORS: [&str; 28] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
    "StringEqualsIfExists",
];

fn known_operator(op: &str) -> bool {
    let base = op.split_once(':').map_or(op, |(q, rest)| {
        if q == "ForAnyValue" || q == "ForAllValues" {
            rest
        } else {
            op
        }
    });
    let base = base.strip_suffix("IfExists").unwrap_or(base);
    OPERATORS.contains(&base)
}

/// A parsed document and what is wrong with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Document {
    pub statements: Vec<Statement>,
    pub issues: Vec<Issue>,
}

/// Parses a (normalized or raw) policy document.
pub fn parse(doc: &Json) -> Document {
    let mut out = Document::default();
    let issue = |kind, statement, detail: String| Issue {
        kind,
        statement,
        detail,
    };
    if is_unknown(doc) || doc.is_null() {
        return out;
    }
    if let Some(reason) = doc.get("invalid").and_then(Json::as_str) {
        out.issues
            .push(issue("invalid_document", None, reason.to_string()));
        return out;
    }
    let stmts: Vec<&Json> = match doc.get("Statement") {
        Some(Json::Array(a)) => a.iter().collect(),
        Some(o @ Json::Object(_)) => vec![o],
        _ => {
            out.issues.push(issue(
                "invalid_document",
                None,
                "the document has no Statement".into(),
            ));
            return out;
        }
    };
    for (index, st) in stmts.into_iter().enumerate() {
        let Some(m) = st.as_object() else {
            out.issues.push(issue(
                "invalid_document",
                Some(index),
                "a statement is not an object".into(),
            ));
            continue;
        };
        let effect = match m.get("Effect") {
            Some(Json::String(e)) if e == "Allow" => Effect::Allow,
            Some(Json::String(e)) if e == "Deny" => Effect::Deny,
            other => {
                let detail = match other {
                    Some(Json::String(e)) => format!("Effect must be Allow or Deny, not {e}"),
                    None | Some(Json::Null) => "a statement has no Effect (Allow or Deny)".into(),
                    Some(v) if is_unknown(v) => "the Effect is known only after apply".into(),
                    Some(_) => "Effect must be Allow or Deny".into(),
                };
                out.issues
                    .push(issue("invalid_document", Some(index), detail));
                continue;
            }
        };
        let matcher = |pos: &str, neg: &str, out: &mut Document| -> Option<Matcher> {
            match (m.get(pos), m.get(neg)) {
                (Some(v), None) => Some(Matcher {
                    not: false,
                    values: values(Some(v)),
                }),
                (None, Some(v)) => Some(Matcher {
                    not: true,
                    values: values(Some(v)),
                }),
                (Some(_), Some(_)) => {
                    out.issues.push(issue(
                        "invalid_document",
                        Some(index),
                        format!("{pos} and {neg} in one statement"),
                    ));
                    None
                }
                (None, None) => None,
            }
        };
        let Some(mut actions) = matcher("Action", "NotAction", &mut out) else {
            if !(m.contains_key("Action") && m.contains_key("NotAction")) {
                out.issues.push(issue(
                    "invalid_document",
                    Some(index),
                    "the statement has no Action or NotAction".into(),
                ));
            }
            continue;
        };
        let resources = matcher("Resource", "NotResource", &mut out);
        let principals = match (m.get("Principal"), m.get("NotPrincipal")) {
            (Some(p), None) => Some(principals(p, false)),
            (None, Some(p)) => Some(principals(p, true)),
            _ => None,
        };
        let mut conditions = Vec::new();
        if let Some(Json::Object(ops)) = m.get("Condition") {
            for (op, kv) in ops {
                if !known_operator(op) {
                    out.issues.push(issue(
                        "unknown_condition_operator",
                        Some(index),
                        format!("condition operator {op:?} does not exist"),
                    ));
                }
                if let Json::Object(kv) = kv {
                    for (k, v) in kv {
                        conditions.push(Condition {
                            operator: op.clone(),
                            key: k.clone(),
                            values: values(Some(v))
                                .iter()
                                .map(|x| x.text().to_string())
                                .collect(),
                        });
                    }
                }
            }
        }
        if effect == Effect::Allow && actions.not {
            out.issues.push(issue(
                "allow_not_action",
                Some(index),
                "Allow with NotAction grants every action not listed, including future ones".into(),
            ));
        }
        if effect == Effect::Allow && resources.as_ref().is_some_and(|r| r.not) {
            out.issues.push(issue(
                "allow_not_resource",
                Some(index),
                "Allow with NotResource grants every resource not listed".into(),
            ));
        }
        for a in &mut actions.values {
            if let Value::Text(t) = a {
                check_action(t, index, &mut out.issues);
                // Action names are case-insensitive: compare in lower case from here on.
                t.make_ascii_lowercase();
            }
        }
        out.statements.push(Statement {
            index,
            sid: m.get("Sid").and_then(Json::as_str).map(str::to_string),
            effect,
            actions,
            resources,
            principals,
            conditions,
        });
    }
    out
}

fn principals(p: &Json, not: bool) -> Principals {
    let mut entries = Vec::new();
    match p {
        Json::String(s) => entries.push(("AWS".to_string(), Value::Text(s.clone()))),
        Json::Object(m) => {
            for (kind, v) in m {
                for x in values(Some(v)) {
                    entries.push((kind.clone(), x));
                }
            }
        }
        _ => {}
    }
    Principals { not, entries }
}

/// Typos in service prefixes and action names are findings; wildcards are checked to name
/// something.
fn check_action(a: &str, index: usize, issues: &mut Vec<Issue>) {
    if a == "*" {
        return;
    }
    let Some((svc, _)) = a.split_once(':') else {
        issues.push(Issue {
            kind: "invalid_action",
            statement: Some(index),
            detail: format!("{a:?} is not service:action"),
        });
        return;
    };
    let c = catalog();
    if !svc.contains(['*', '?']) && !c.has_service(svc) {
        issues.push(Issue {
            kind: "unknown_service",
            statement: Some(index),
            detail: format!("service prefix {svc:?} does not exist ({a})"),
        });
    } else if c.expand(a).is_empty() && !svc.contains(['*', '?']) {
        issues.push(Issue {
            kind: "unknown_action",
            statement: Some(index),
            detail: format!("{a} matches no action of {svc}"),
        });
    }
}

/// What an action/resource pair is, for evaluation.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// Lower-case action, `s3:getobject`.
    pub action: &'a str,
    /// The resource's ARN where it is known, else a pattern with `*` for unknown parts.
    pub arn: Option<&'a str>,
    /// The resource's Terraform address: an unknown in a policy referring to it matches.
    pub address: Option<&'a str>,
}

/// How a statement's resource list relates to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceMatch {
    No,
    Yes,
    /// Matched only through a wildcard that also covers other resources (`*`, `bucket/*` is not).
    Wildcard,
    /// A resource known only after apply that may or may not be this one.
    Unknown,
}

/// ARN comparison where either side may carry wildcards: part by part (partition, service,
/// region, account, resource), a `*` on the resource's side standing for a part not yet known.
pub fn arn_match(pattern: &str, arn: &str) -> bool {
    if pattern == "*" || wildcard_match(pattern, arn) {
        return true;
    }
    // Part by part differs from the whole only where a whole part of the ARN is unknown (`*`);
    // a part-by-part match otherwise implies a whole match, which failed.
    if !arn.split(':').any(|part| part == "*") || pattern.matches(':').count() < 5 {
        return false;
    }
    // Compared part by part, without allocating: this runs for every statement and store.
    pattern
        .splitn(6, ':')
        .zip(arn.splitn(6, ':'))
        .all(|(p, a)| a == "*" || wildcard_match(p, a))
}

fn resource_match(m: &Matcher, req: &Request) -> ResourceMatch {
    let mut best = ResourceMatch::No;
    for v in &m.values {
        let hit = match v {
            Value::Text(p) if p == "*" => ResourceMatch::Wildcard,
            Value::Text(p) => match req.arn {
                Some(arn) if arn_match(p, arn) => {
                    // A grant that reaches beyond this resource's own prefix, or covers every
                    // resource of a service (`arn:aws:s3:::*`, `…:table/*`), is a wildcard grant.
                    let beyond = p.contains('*') && !arn.starts_with(p.trim_end_matches('*'));
                    if beyond
                        || p.ends_with(":*")
                        || p == "arn:aws:s3:::*"
                        || p.ends_with(":table/*")
                    {
                        ResourceMatch::Wildcard
                    } else {
                        ResourceMatch::Yes
                    }
                }
                // The resource's name is partly unknown (`records-*`, an account id not known
                // as `????????????`): a pattern that may name it is a grant that may reach it.
                Some(arn) if arn.contains(['*', '?']) && arn_globs_intersect(p, arn) => {
                    ResourceMatch::Unknown
                }
                _ => ResourceMatch::No,
            },
            Value::Unknown(r) => match req.address {
                Some(addr) if refers_to(r, addr) => ResourceMatch::Yes,
                _ if r.contains("${") => ResourceMatch::Unknown,
                _ => ResourceMatch::No,
            },
        };
        best = match (best, hit) {
            (ResourceMatch::Yes, _) | (_, ResourceMatch::Yes) => ResourceMatch::Yes,
            (ResourceMatch::Wildcard, _) | (_, ResourceMatch::Wildcard) => ResourceMatch::Wildcard,
            (ResourceMatch::Unknown, _) | (_, ResourceMatch::Unknown) => ResourceMatch::Unknown,
            _ => ResourceMatch::No,
        };
    }
    if m.not {
        // NotResource: matches whatever is not listed.
        match best {
            ResourceMatch::No => ResourceMatch::Wildcard,
            ResourceMatch::Unknown => ResourceMatch::Unknown,
            _ => ResourceMatch::No,
        }
    } else {
        best
    }
}

/// Whether two patterns (`*` any run of characters, `?` any one) match some string in common.
pub fn globs_intersect(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // reach[j]: the first i bytes of `a` and the first j of `b` can match the same string.
    let mut reach = vec![false; b.len() + 1];
    reach[0] = true;
    for j in 1..=b.len() {
        reach[j] = reach[j - 1] && b[j - 1] == b'*';
    }
    for i in 1..=a.len() {
        let mut next = vec![false; b.len() + 1];
        next[0] = reach[0] && a[i - 1] == b'*';
        for j in 1..=b.len() {
            let (x, y) = (a[i - 1], b[j - 1]);
            // A star on either side matches nothing here, or one more character of the
            // other side; otherwise the characters must agree.
            next[j] = ((x == b'*' || y == b'*') && (reach[j] || next[j - 1]))
                || (reach[j - 1] && (x == y || x == b'?' || y == b'?'));
        }
        reach = next;
    }
    reach[b.len()]
}

/// Whether a pattern may name a partly unknown ARN: part by part where both have all six parts
/// (an unknown region never stands for `…:stack/other-stack`), else as whole globs.
fn arn_globs_intersect(pattern: &str, arn: &str) -> bool {
    if pattern.matches(':').count() < 5 || arn.matches(':').count() < 5 {
        return globs_intersect(pattern, arn);
    }
    pattern
        .splitn(6, ':')
        .zip(arn.splitn(6, ':'))
        .all(|(p, a)| globs_intersect(p, a))
}

/// Whether an unknown reference (`module.x.aws_s3_bucket.b.arn`, or a partly rendered template)
/// points at the resource with this address.
pub fn refers_to(reference: &str, address: &str) -> bool {
    reference.split("${").any(|part| {
        let part = part.trim_start_matches("${");
        part.strip_prefix(address)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('}') || rest.is_empty())
    })
}

/// Whether a statement's `Action`/`NotAction` covers a lower-case action name (patterns are
/// lower-cased when parsed).
pub fn action_matches(m: &Matcher, action: &str) -> bool {
    let hit = m.values.iter().any(|v| match v {
        Value::Text(p) => wildcard_match(p, action),
        Value::Unknown(_) => false,
    });
    hit != m.not
}

/// A statement that took part in a decision.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Via {
    /// The policy: `inline:name`, `managed:arn`, `bucket policy`, …
    pub policy: String,
    pub statement: usize,
    pub sid: Option<String>,
    /// Whether the grant covered the resource only through a broad wildcard.
    pub wildcard: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Decision {
    /// Allowed; `conditions` empty means unconditionally.
    Allowed {
        via: Via,
        conditions: Vec<Condition>,
        unknown_resource: bool,
    },
    /// An explicit, unconditional deny.
    Denied {
        via: Via,
    },
    NotAllowed,
}

impl Decision {
    pub fn allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }

    pub fn unconditional(&self) -> bool {
        matches!(self, Decision::Allowed { conditions, unknown_resource: false, .. } if conditions.is_empty())
    }
}

/// A named document among the policies evaluated together.
pub struct Named<'a> {
    pub name: &'a str,
    pub doc: &'a Document,
}

fn via(name: &str, st: &Statement, rm: ResourceMatch) -> Via {
    Via {
        policy: name.to_string(),
        statement: st.index,
        sid: st.sid.clone(),
        wildcard: rm == ResourceMatch::Wildcard,
    }
}

/// Evaluates identity-style policies (statements without principals) for one request. Explicit
/// deny wins; a conditional deny makes an allow conditional on the deny's condition not holding.
pub fn decide(policies: &[Named], req: &Request) -> Decision {
    decide_in(policies.iter().map(|n| (n.name, n.doc)), req)
}

/// [`decide`] over any sequence of (name, document); allocates only for the result.
pub fn decide_in<'a>(
    policies: impl Iterator<Item = (&'a str, &'a Document)>,
    req: &Request,
) -> Decision {
    decide_statements(
        policies.flat_map(|(name, doc)| doc.statements.iter().map(move |st| (name, st))),
        req,
    )
}

/// [`decide`] over statements (with the name of their policy); statements whose action does not
/// match are skipped, so callers may pass a pre-filtered list.
pub fn decide_statements<'a>(
    statements: impl Iterator<Item = (&'a str, &'a Statement)>,
    req: &Request,
) -> Decision {
    let mut allow: Option<(&str, &Statement, ResourceMatch)> = None;
    let mut conditional_denies: Vec<&Statement> = Vec::new();
    for (name, st) in statements {
        {
            if !action_matches(&st.actions, req.action) {
                continue;
            }
            let rm = match &st.resources {
                Some(r) => resource_match(r, req),
                None => ResourceMatch::Wildcard,
            };
            if rm == ResourceMatch::No {
                continue;
            }
            match st.effect {
                Effect::Deny if st.conditions.is_empty() && rm != ResourceMatch::Unknown => {
                    return Decision::Denied {
                        via: via(name, st, rm),
                    }
                }
                Effect::Deny => conditional_denies.push(st),
                Effect::Allow => {
                    let rank = |st: &Statement, rm: ResourceMatch| {
                        (
                            st.conditions.len(),
                            rm == ResourceMatch::Unknown,
                            rm == ResourceMatch::Wildcard,
                        )
                    };
                    // Prefer unconditional, then exact over wildcard grants.
                    if allow.is_none_or(|(_, a, arm)| rank(st, rm) < rank(a, arm)) {
                        allow = Some((name, st, rm));
                    }
                }
            }
        }
    }
    match allow {
        Some((name, st, rm)) => {
            let mut conditions = st.conditions.clone();
            conditions.extend(conditional_denies.iter().flat_map(|d| {
                d.conditions.iter().map(|c| Condition {
                    operator: format!("not {}", c.operator),
                    key: c.key.clone(),
                    values: c.values.clone(),
                })
            }));
            Decision::Allowed {
                via: via(name, st, rm),
                conditions,
                unknown_resource: rm == ResourceMatch::Unknown,
            }
        }
        None => Decision::NotAllowed,
    }
}

/// The full evaluation for a principal in an account: identity policies, intersected with the
/// permission boundary and with every level of service control policies.
pub fn decide_layers(
    identity: &[Named],
    boundary: Option<&Named>,
    scps: &[Named],
    req: &Request,
) -> Decision {
    let guards = boundary.into_iter().chain(scps).map(|n| Named {
        name: n.name,
        doc: n.doc,
    });
    apply_guards(decide(identity, req), guards, req)
}

/// Intersects an identity decision with guard layers (a permission boundary, SCPs): each layer
/// must allow too, an explicit deny in any of them wins, and their conditions are kept.
/// The guards are taken as an iterator so that callers need not collect them for every request.
pub fn apply_guards<'g>(
    identity: Decision,
    guards: impl IntoIterator<Item = Named<'g>>,
    req: &Request,
) -> Decision {
    let Decision::Allowed {
        via,
        mut conditions,
        mut unknown_resource,
    } = identity
    else {
        // An implicit denial stays one, unless a guard denies explicitly.
        if identity == Decision::NotAllowed {
            for g in guards {
                if let Decision::Denied { via } = decide(std::slice::from_ref(&g), req) {
                    return Decision::Denied { via };
                }
            }
        }
        return identity;
    };
    for g in guards {
        match decide(std::slice::from_ref(&g), req) {
            Decision::Allowed {
                conditions: c,
                unknown_resource: u,
                ..
            } => {
                conditions.extend(c);
                unknown_resource |= u;
            }
            other => return other,
        }
    }
    Decision::Allowed {
        via,
        conditions,
        unknown_resource,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Json) -> Document {
        parse(&v)
    }

    fn req<'a>(action: &'a str, arn: &'a str) -> Request<'a> {
        Request {
            action,
            arn: Some(arn),
            address: None,
        }
    }

    #[test]
    fn reports_invalid_documents_and_typos() {
        let d = doc(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObjet", "s4:GetObject", "s3:Get*"], "Resource": "*"},
            {"Effect": "Permit", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::x", "Condition": {"StringEqualz": {"a": "b"}}}
        ]}));
        let kinds: Vec<&str> = d.issues.iter().map(|i| i.kind).collect();
        assert!(kinds.contains(&"unknown_action"), "{kinds:?}");
        assert!(kinds.contains(&"unknown_service"));
        assert!(kinds.contains(&"invalid_document"));
        assert!(kinds.contains(&"allow_not_action"));
        assert!(kinds.contains(&"allow_not_resource"));
        assert!(kinds.contains(&"unknown_condition_operator"));
    }

    #[test]
    fn valid_forms_raise_no_issue() {
        let d = doc(json!({"Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
             "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]}, "Bool": {"aws:MultiFactorAuthPresent": true}, "Null": {"aws:TokenIssueTime": "false"}}},
            {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root"]}, "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]}));
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        assert_eq!(d.statements.len(), 3);
        assert!(d.statements[1].principals.as_ref().unwrap().not);
    }

    #[test]
    fn explicit_deny_wins_and_conditions_are_kept() {
        let allow =
            doc(json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}));
        let deny = doc(
            json!({"Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::records/*"}]}),
        );
        let cond = doc(
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::records/*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
        );
        let both = [
            Named {
                name: "a",
                doc: &allow,
            },
            Named {
                name: "d",
                doc: &deny,
            },
        ];
        assert!(matches!(
            decide(&both, &req("s3:deleteobject", "arn:aws:s3:::records/x")),
            Decision::Denied { .. }
        ));
        assert!(decide(&both, &req("s3:getobject", "arn:aws:s3:::records/x")).unconditional());
        let c = decide(
            &[Named {
                name: "c",
                doc: &cond,
            }],
            &req("s3:getobject", "arn:aws:s3:::records/x"),
        );
        assert!(c.allowed() && !c.unconditional());
        assert_eq!(
            decide(
                &[Named {
                    name: "c",
                    doc: &cond
                }],
                &req("s3:putobject", "arn:aws:s3:::records/x")
            ),
            Decision::NotAllowed
        );
    }

    #[test]
    fn not_action_and_not_resource() {
        let d = doc(
            json!({"Statement": [{"Effect": "Allow", "NotAction": ["iam:*"], "NotResource": ["arn:aws:s3:::secret/*"]}]}),
        );
        let p = [Named { name: "p", doc: &d }];
        assert!(decide(&p, &req("s3:getobject", "arn:aws:s3:::records/x")).allowed());
        assert!(!decide(&p, &req("iam:createuser", "*")).allowed());
        assert!(!decide(&p, &req("s3:getobject", "arn:aws:s3:::secret/x")).allowed());
    }

    #[test]
    fn unknown_resources_match_by_reference() {
        let d = doc(
            json!({"Statement": [{"Effect": "Allow", "Action": "dynamodb:Query", "Resource": [{"__unknown__": "module.data.aws_dynamodb_table.chat.arn"}]}]}),
        );
        let p = [Named { name: "p", doc: &d }];
        let r = Request {
            action: "dynamodb:query",
            arn: None,
            address: Some("module.data.aws_dynamodb_table.chat"),
        };
        assert!(decide(&p, &r).unconditional());
        let other = Request {
            action: "dynamodb:query",
            arn: None,
            address: Some("module.data.aws_dynamodb_table.feed"),
        };
        assert!(!decide(&p, &other).allowed());
    }

    #[test]
    fn patterns_intersect_when_some_string_matches_both() {
        for (a, b) in [
            ("arn:aws:s3:::records-*/*", "arn:aws:s3:::records-prod/*"),
            ("arn:aws:s3:::*", "arn:aws:s3:::records-*/*"),
            ("rec*-prod", "records-*"),
            ("*", ""),
            ("a?c", "a*"),
        ] {
            assert!(globs_intersect(a, b), "{a} {b}");
            assert!(globs_intersect(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("arn:aws:s3:::logs-*/*", "arn:aws:s3:::records-*/*"),
            ("records-*-x", "records-*-y"),
            ("a?c", "abcd"),
        ] {
            assert!(!globs_intersect(a, b), "{a} {b}");
            assert!(!globs_intersect(b, a), "{b} {a}");
        }
    }

    #[test]
    fn arn_with_unknown_account_matches_patterns() {
        assert!(arn_match(
            "arn:aws:dynamodb:us-east-1:111122223333:table/chat",
            "arn:aws:dynamodb:*:*:table/chat"
        ));
        assert!(!arn_match(
            "arn:aws:dynamodb:us-east-1:111122223333:table/feed",
            "arn:aws:dynamodb:*:*:table/chat"
        ));
        assert!(arn_match(
            "arn:aws:dynamodb:*:*:table/*",
            "arn:aws:dynamodb:*:*:table/chat"
        ));
    }
}
