//! `rampart policy test`: runs every `test_*` rule of the `_test.rego` files, as `opa test` does.

use super::{is_test_file, metadata::package_of, EngineError, PolicyFile};

#[derive(Debug, Clone)]
pub struct TestOutcome {
    pub file: String,
    pub name: String,
    pub passed: bool,
    /// Why it failed: an evaluation error, or the rule was false/undefined.
    pub detail: Option<String>,
}

/// Names of the `test_*` rules declared in a module.
fn test_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let name: String = l
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (name.starts_with("test_")
                && l[name.len()..]
                    .trim_start()
                    .starts_with(['i', '{', ':', '=']))
            .then_some(name)
        })
        .collect();
    names.dedup();
    names
}

/// Runs the tests in `files` against all the policies in `files` (plus `support`, e.g. the
/// built-in library when testing a user's directory).
pub fn run(files: &[PolicyFile], support: &[PolicyFile]) -> Result<Vec<TestOutcome>, EngineError> {
    let mut loaded: Vec<&PolicyFile> = Vec::new();
    for f in support.iter().chain(files) {
        if !loaded.iter().any(|l| l.path == f.path) {
            loaded.push(f);
        }
    }
    // The settings scans evaluate with, so a test passes only where the rule would.
    let mut engine = super::compile(&loaded)?;
    let mut out = Vec::new();
    for f in files.iter().filter(|f| is_test_file(&f.path)) {
        let Some(pkg) = package_of(&f.text) else {
            continue;
        };
        for name in test_names(&f.text) {
            let result = engine.eval_rule(format!("data.{pkg}.{name}"));
            let (passed, detail) = match result {
                Ok(v) if v == regorus::Value::from(true) => (true, None),
                Ok(regorus::Value::Undefined) => (
                    false,
                    Some("undefined (a condition in the test failed)".to_string()),
                ),
                Ok(v) => (false, Some(format!("evaluated to {v}"))),
                Err(e) => (false, Some(e.to_string())),
            };
            out.push(TestOutcome {
                file: f.path.clone(),
                name,
                passed,
                detail,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_rules() {
        let text =
            "package x_test\n\ntest_a if {\n true\n}\ntest_b := true\nnot_test if { true }\n";
        assert_eq!(test_names(text), vec!["test_a", "test_b"]);
    }

    #[test]
    fn runs_passing_and_failing_tests() {
        let files = vec![PolicyFile {
            path: "a_test.rego".into(),
            text: "package a_test\n\ntest_ok if { 1 == 1 }\n\ntest_bad if { 1 == 2 }\n".into(),
        }];
        let out = run(&files, &[]).unwrap();
        assert_eq!(out.len(), 2);
        assert!(out.iter().find(|o| o.name == "test_ok").unwrap().passed);
        assert!(!out.iter().find(|o| o.name == "test_bad").unwrap().passed);
    }
}
