//! Embeds the built-in policies (`policies/**/*.rego`) and control frameworks
//! (`policies/frameworks/*.yaml`) into the binary, and compiles the IAM action catalog
//! (`data/iam/catalog.tsv`) into static tables, so that no scan parses its 25,000 lines.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let policies = root.join("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut code = String::new();
    for (name, dir, ext, doc) in [
        (
            "BUILTIN_POLICIES",
            policies.clone(),
            "rego",
            "Built-in policy files",
        ),
        (
            "BUILTIN_FRAMEWORKS",
            policies.join("frameworks"),
            "yaml",
            "Built-in control frameworks",
        ),
    ] {
        let mut files = Vec::new();
        walk(&dir, ext, &mut files);
        writeln!(code, "/// {doc}: (path relative to the crate, contents).").unwrap();
        writeln!(code, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        for f in &files {
            println!("cargo:rerun-if-changed={}", f.display());
            let rel = f
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            writeln!(
                code,
                "    ({rel:?}, include_str!({:?})),",
                f.display().to_string()
            )
            .unwrap();
        }
        code.push_str("];\n");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("builtin_policies.rs"), code).unwrap();
    let catalog = root.join("data/iam/catalog.tsv");
    println!("cargo:rerun-if-changed={}", catalog.display());
    std::fs::write(
        out.join("iam_catalog.rs"),
        iam_catalog(&std::fs::read_to_string(catalog).unwrap()),
    )
    .unwrap();
}

/// `SERVICES` (prefix, name) sorted by prefix and `ACTIONS` sorted by lower-case name, for
/// binary search; an action listed twice keeps its last line. `S` and `A` lines only.
fn iam_catalog(tsv: &str) -> String {
    let mut services = std::collections::BTreeMap::new();
    let mut actions = std::collections::BTreeMap::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#')) {
        match line.split('\t').collect::<Vec<_>>().as_slice() {
            ["S", prefix, name] => {
                services.insert(prefix.to_string(), name.to_string());
            }
            ["A", prefix, action, level, types] => {
                // The variants of `AccessLevel`, by the catalog's spelling.
                let level = match *level {
                    "List" => "List",
                    "Read" => "Read",
                    "Tagging" => "Tagging",
                    "Write" => "Write",
                    "Permissions management" => "PermissionsManagement",
                    _ => continue,
                };
                let name = format!("{prefix}:{action}");
                actions.insert(name.to_ascii_lowercase(), (name, level, !types.is_empty()));
            }
            _ => {}
        }
    }
    let mut code = String::from("static SERVICES: &[(&str, &str)] = &[\n");
    for (prefix, name) in &services {
        writeln!(code, "    ({prefix:?}, {name:?}),").unwrap();
    }
    code.push_str("];\nstatic ACTIONS: &[Action] = &[\n");
    for (lower, (name, level, scopable)) in &actions {
        writeln!(
            code,
            "    Action {{ name: {name:?}, lower: {lower:?}, level: AccessLevel::{level}, scopable: {scopable} }},"
        )
        .unwrap();
    }
    code.push_str("];\n");
    code
}
