//! What looks like a credential, for the rules that report secrets written into configuration
//! (SEC-01) and manifests (SEC-02). The readers call this on a value before they redact it and
//! keep only where it was and why (`derived.hardcoded_secrets`), never the value.

use serde_json::{json, Value as Json};
use std::sync::OnceLock;

/// A name that says its value is a credential (`DB_PASSWORD`, `apiKey`, `auth_token`), not one
/// that says where a credential is (`…_FILE`, `…_ARN`, `…_URL`) or who uses it.
pub fn is_credential_name(name: &str) -> bool {
    static NAME: OnceLock<(regex::Regex, regex::Regex)> = OnceLock::new();
    let (credential, locator) = NAME.get_or_init(|| {
        (
            regex::Regex::new(
                r"(?i)(pass(word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)",
            )
            .expect("valid regex"),
            regex::Regex::new(
                r"(?i)[_.-]?(file|path|arn|name|id|url|uri|endpoint|ref|host|port|user(name)?|type|mode|method|enabled|length|expir\w*|ttl)$",
            )
            .expect("valid regex"),
        )
    });
    credential.is_match(name) && !locator.is_match(name)
}

/// Why a text (a script, a command line, a JSON document) looks like it carries a credential:
/// an assignment of a literal to a credential name, a command-line flag with one, an AWS access
/// key id, a private key. `None` when nothing does.
pub fn credential_in_text(text: &str) -> Option<&'static str> {
    static PATTERNS: OnceLock<Vec<(regex::Regex, &'static str)>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            (
                r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
                "a private key",
            ),
            (r"\b(AKIA|ASIA)[0-9A-Z]{16}\b", "an AWS access key id"),
            (
                r#"(?i)\b[a-z0-9_]*(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)[a-z0-9_]*["']?\s*[=:]\s*["']?[^\s"'$<>{}]{4,}"#,
                "a credential assigned a literal value",
            ),
            (
                r"(?i)--[a-z-]*(password|passwd|secret|token|api-?key)[= ][^\s$]{4,}",
                "a credential passed on a command line",
            ),
        ]
        .into_iter()
        .map(|(p, why)| (regex::Regex::new(p).expect("valid regex"), why))
        .collect()
    });
    patterns
        .iter()
        .find(|(re, _)| re.is_match(text))
        .map(|(_, why)| *why)
}

/// An entry of `derived.hardcoded_secrets`: where, and why it is taken for a secret.
pub fn finding(path: &str, why: &str) -> Json {
    json!({"path": path, "why": why})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_credentials_and_of_where_they_are() {
        for n in [
            "DB_PASSWORD",
            "apiKey",
            "AUTH_TOKEN",
            "aws_secret_access_key",
            "MYSQL_ROOT_PASSWORD",
        ] {
            assert!(is_credential_name(n), "{n}");
        }
        for n in [
            "DB_PASSWORD_FILE",
            "SECRET_ARN",
            "TOKEN_URL",
            "DB_HOST",
            "LOG_LEVEL",
            "AUTH_MODE",
        ] {
            assert!(!is_credential_name(n), "{n}");
        }
    }

    #[test]
    fn texts_that_carry_a_credential() {
        for t in [
            "export DB_PASSWORD=hunter22",
            "mysqld --password=s3cr3tpw",
            "aws_access_key_id = AKIAABCDEFGHIJKLMNOP",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
            r#"{"token": "abcd1234"}"#,
        ] {
            assert!(credential_in_text(t).is_some(), "{t}");
        }
        for t in [
            "export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db)",
            "echo starting; systemctl start nginx",
            "--password-file=/run/secrets/db",
            "token: ${TOKEN}",
        ] {
            assert!(credential_in_text(t).is_none(), "{t}");
        }
    }
}
