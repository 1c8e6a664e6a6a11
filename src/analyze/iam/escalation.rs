//! The privilege-escalation methods rampart models, as data (`data/iam/escalation.yaml`):
//! embedded in the binary, parsed once on first use, validated by a test. The analysis
//! (`analysis.rs`) reads them; adding a method is adding an entry.

use serde::Deserialize;
use std::sync::OnceLock;

const METHODS: &str = include_str!("../../../data/iam/escalation.yaml");

/// An IAM action as the file spells it and lower-cased for matching.
#[derive(Debug)]
pub struct Action {
    pub name: String,
    pub lower: String,
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(Action {
            lower: name.to_ascii_lowercase(),
            name,
        })
    }
}

/// Create something that runs code as a passed role.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassRole {
    pub id: String,
    /// The service principal the role must trust.
    pub service: String,
    /// Alternatives: every action of one of them is needed (on `*`), besides iam:PassRole.
    pub actions: Vec<Vec<Action>>,
    pub source: String,
}

/// Act on a resource that already runs as a role.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExistingResource {
    pub id: String,
    pub resource_type: String,
    /// The attribute naming the role (ARN, name or reference).
    #[serde(default)]
    pub role: Option<String>,
    /// The attribute naming an instance profile whose role the resource runs as.
    #[serde(default)]
    pub instance_profile: Option<String>,
    /// The resource's ARN, `{attr}` filled from the resource (`*` where not known).
    pub arn: String,
    /// All needed, on the resource.
    pub actions: Vec<Action>,
    pub source: String,
}

/// Change a principal's permissions; modelled in `analysis.rs`, listed for the record (a test
/// checks the analysis asks about each of their actions).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModifyPrincipal {
    pub id: String,
    pub actions: Vec<Action>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Methods {
    pub pass_role: Vec<PassRole>,
    pub existing_resource: Vec<ExistingResource>,
    pub modify_principal: Vec<ModifyPrincipal>,
}

/// The methods, parsed on first use (the file is part of the binary: a test parses it).
pub fn methods() -> &'static Methods {
    static PARSED: OnceLock<Methods> = OnceLock::new();
    PARSED.get_or_init(|| {
        serde_yaml_ng::from_str(METHODS).expect("data/iam/escalation.yaml is checked by a test")
    })
}

impl ExistingResource {
    /// The resource's ARN from the template: each `{attr}` is the attribute's value when it is
    /// a known string, else `*` (so a grant that may reach it is found).
    pub fn arn_of(&self, attribute: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        let mut rest = self.arn.as_str();
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 1..start + len];
            out.push_str(&attribute(name).unwrap_or_else(|| "*".into()));
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// Every action a method asks about, lower-case: indexed per principal up front.
pub fn actions() -> impl Iterator<Item = &'static str> {
    let m = methods();
    m.pass_role
        .iter()
        .flat_map(|p| p.actions.iter().flatten())
        .chain(m.existing_resource.iter().flat_map(|e| &e.actions))
        .chain(m.modify_principal.iter().flat_map(|e| &e.actions))
        .map(|a| a.lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::iam::catalog::catalog;

    #[test]
    fn every_method_names_real_actions_and_a_source() {
        let m = methods();
        assert!(m.pass_role.len() >= 19 && m.existing_resource.len() >= 12);
        let mut ids = std::collections::HashSet::new();
        for a in actions() {
            assert!(catalog().get(a).is_some(), "{a} is not an IAM action");
        }
        for id in m
            .pass_role
            .iter()
            .map(|p| (&p.id, &p.source))
            .chain(m.existing_resource.iter().map(|e| (&e.id, &e.source)))
            .chain(m.modify_principal.iter().map(|e| (&e.id, &e.source)))
        {
            assert!(ids.insert(id.0.clone()), "{} twice", id.0);
            assert!(!id.1.is_empty(), "{} has no source", id.0);
        }
        for e in &m.existing_resource {
            assert!(
                e.role.is_some() != e.instance_profile.is_some(),
                "{}: a role or an instance profile",
                e.id
            );
        }
        for p in &m.pass_role {
            assert!(p.service.ends_with(".amazonaws.com"), "{}", p.id);
            assert!(p.actions.iter().all(|a| !a.is_empty()), "{}", p.id);
        }
    }

    #[test]
    fn arns_are_filled_from_known_attributes_only() {
        let e = &methods()
            .existing_resource
            .iter()
            .find(|e| e.id == "cloudformation-update-stack")
            .unwrap();
        assert_eq!(
            e.arn_of(|a| (a == "name").then(|| "app".into())),
            "arn:aws:cloudformation:*:*:stack/app/*"
        );
        assert_eq!(e.arn_of(|_| None), "arn:aws:cloudformation:*:*:stack/*/*");
    }
}
