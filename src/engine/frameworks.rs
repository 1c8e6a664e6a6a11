//! Control frameworks as data (`policies/frameworks/*.yaml`): each control and the rule ids that
//! test it. A control that no implemented rule covers is manual; it is reported, never dropped.

use serde::{Deserialize, Serialize};

use super::{EngineError, RuleMeta, BUILTIN_FRAMEWORKS};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub title: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    pub controls: Vec<Control>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// PTAC Data Security Checklist areas (FERPA only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ptac: Vec<String>,
    /// Rule ids that test this control, implemented or planned.
    #[serde(default)]
    pub rules: Vec<String>,
}

/// How a control is assessed with the rules at hand.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Automation {
    /// Every rule the control lists is implemented.
    Automated,
    /// Some of its rules are implemented, others planned.
    Partial,
    /// No implemented rule tests it: evidence is gathered by hand.
    Manual,
}

impl Automation {
    pub fn as_str(self) -> &'static str {
        match self {
            Automation::Automated => "automated",
            Automation::Partial => "partial",
            Automation::Manual => "manual",
        }
    }
}

impl Control {
    /// The implemented rules among this control's, and its automation level.
    pub fn implemented<'r>(&self, rules: &'r [RuleMeta]) -> (Vec<&'r RuleMeta>, Automation) {
        let found: Vec<&RuleMeta> = self
            .rules
            .iter()
            .filter_map(|id| rules.iter().find(|r| &r.id == id))
            .collect();
        let automation = match (found.len(), self.rules.len()) {
            (0, _) => Automation::Manual,
            (n, m) if n == m => Automation::Automated,
            _ => Automation::Partial,
        };
        (found, automation)
    }
}

/// The built-in frameworks, sorted by id.
pub fn builtin_frameworks() -> Result<Vec<Framework>, EngineError> {
    let mut out: Vec<Framework> = BUILTIN_FRAMEWORKS
        .iter()
        .map(|(path, text)| {
            serde_yaml_ng::from_str(text).map_err(|e| EngineError::InvalidMetadata {
                file: path.to_string(),
                reason: e.to_string(),
            })
        })
        .collect::<Result<_, _>>()?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

pub fn framework(id: &str) -> Result<Framework, EngineError> {
    let all = builtin_frameworks()?;
    let known: Vec<String> = all.iter().map(|f| f.id.clone()).collect();
    all.into_iter()
        .find(|f| f.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| EngineError::InvalidMetadata {
            file: "policies/frameworks".into(),
            reason: format!("no framework {id:?} (known: {})", known.join(", ")),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;

    /// The frameworks and the rules' own metadata agree in both directions.
    #[test]
    fn frameworks_agree_with_rule_metadata() {
        let engine = Engine::new(&[]).unwrap();
        let frameworks = builtin_frameworks().unwrap();
        assert_eq!(
            frameworks.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            vec!["cis_aws", "cis_eks", "ferpa", "nist_800_53"]
        );
        for f in &frameworks {
            for c in &f.controls {
                for (rule, _) in c.implemented(engine.rules()).0.iter().map(|r| (r, ())) {
                    let refs = rule.controls.get(&f.id).cloned().unwrap_or_default();
                    assert!(
                        refs.iter()
                            .any(|r| r == &c.id || r.starts_with(&format!("{}(", c.id))),
                        "{} lists {} under {} {}, but the rule's metadata does not ({refs:?})",
                        f.id,
                        rule.id,
                        f.id,
                        c.id
                    );
                }
            }
            for rule in engine.rules() {
                for r in rule.controls.get(&f.id).into_iter().flatten() {
                    let listed = f.controls.iter().any(|c| {
                        (r == &c.id || r.starts_with(&format!("{}(", c.id)))
                            && c.rules.contains(&rule.id)
                    });
                    assert!(
                        listed,
                        "{} maps to {} {r} but the framework does not list it there",
                        rule.id, f.id
                    );
                }
            }
        }
    }

    #[test]
    fn unimplemented_controls_are_manual() {
        let engine = Engine::new(&[]).unwrap();
        let ferpa = framework("FERPA").unwrap();
        let training = ferpa
            .controls
            .iter()
            .find(|c| c.id == "PTAC-DSC-TRAIN")
            .unwrap();
        assert_eq!(training.implemented(engine.rules()).1, Automation::Manual);
        let access = ferpa.controls.iter().find(|c| c.id == "99.32").unwrap();
        // IAM-12 (Access Analyzer) needs the live AWS collector.
        assert_eq!(access.implemented(engine.rules()).1, Automation::Partial);
    }
}
