//! Embeds the built-in policies (`policies/**/*.rego`) and control frameworks
//! (`policies/frameworks/*.yaml`) into the binary.

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
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin_policies.rs");
    std::fs::write(out, code).unwrap();
}
