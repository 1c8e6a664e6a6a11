//! Nothing merges away: for a corpus, every resource block and every manifest object read is in
//! the snapshot, folded into the resource it configures, or named by a diagnostic or coverage
//! entry. The expected set is counted here independently of rampart's loaders: blocks by a
//! plain scan of the `.tf` files (following local module calls), objects by serde_yaml's own
//! multi-document reader.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// `resource "T" "N"` blocks of a module directory, and its local module calls.
fn blocks_and_calls(dir: &Path) -> (Vec<String>, Vec<(String, String)>) {
    let block = regex::Regex::new(r#"(?m)^resource\s+"([^"]+)"\s+"([^"]+)""#).unwrap();
    let call = regex::Regex::new(r#"(?ms)^module\s+"([^"]+)"\s*\{[^}]*?source\s*=\s*"(\.[^"]*)""#)
        .unwrap();
    let mut blocks = Vec::new();
    let mut calls = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        blocks.extend(
            block
                .captures_iter(&text)
                .map(|c| format!("{}.{}", &c[1], &c[2])),
        );
        calls.extend(
            call.captures_iter(&text)
                .map(|c| (c[1].to_string(), c[2].to_string())),
        );
    }
    (blocks, calls)
}

/// Every block of a root module's tree, by address without instance keys.
fn expected_blocks(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let (blocks, calls) = blocks_and_calls(&dir);
        out.extend(blocks.into_iter().map(|b| format!("{prefix}{b}")));
        for (name, source) in calls {
            stack.push((dir.join(source), format!("{prefix}module.{name}.")));
        }
    }
    out
}

fn strip_keys(address: &str) -> String {
    regex::Regex::new(r"\[[^\]]*\]")
        .unwrap()
        .replace_all(address, "")
        .into_owned()
}

/// Objects in the YAML files under a directory, as serde_yaml's document reader sees them.
fn expected_objects(dir: &Path) -> usize {
    let mut n = 0;
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !e
            .path()
            .extension()
            .is_some_and(|x| x == "yaml" || x == "yml")
        {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        for doc in serde_yaml_ng::Deserializer::from_str(&text) {
            let Ok(v) = <Value as serde::Deserialize>::deserialize(doc) else {
                continue;
            };
            if v.get("apiVersion").is_some() && v.get("kind").is_some() {
                n += match v["kind"].as_str() {
                    Some(k) if k.ends_with("List") => v["items"].as_array().map_or(1, Vec::len),
                    _ => 1,
                };
            }
        }
    }
    n
}

/// Collects `dir` and checks that every block of each root module and every manifest object
/// is accounted for.
fn assert_conserved(dir: &Path, roots: &[&str]) {
    let out = dir.join("snapshot.json");
    rampart(&["collect", ".", "-o", out.to_str().unwrap()], dir);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let resources = s["resources"].as_array().unwrap();
    let mut accounted = BTreeSet::new();
    for r in resources {
        let root = r["origin"]["root"].as_str().unwrap_or(".").to_string();
        if let Some(a) = r["origin"]["address"].as_str() {
            accounted.insert((root.clone(), strip_keys(a)));
        }
        for m in r["attribute_meta"].as_object().unwrap().values() {
            if let Some(from) = m["from"].as_str() {
                accounted.insert((root.clone(), strip_keys(from)));
            }
        }
    }
    let named: Vec<String> = s["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| strip_keys(c["scope"].as_str().unwrap()))
        .chain(
            s["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["message"].as_str().unwrap().to_string()),
        )
        .collect();
    for root in roots {
        for block in expected_blocks(&dir.join(root)) {
            let within = if *root == "." {
                block.clone()
            } else {
                format!("{root}:{block}")
            };
            let ok = accounted.contains(&(root.to_string(), block.clone()))
                || named
                    .iter()
                    .any(|n| *n == within || within.starts_with(&format!("{n}.")));
            assert!(
                ok,
                "{within} was read but is not in the snapshot nor named anywhere"
            );
        }
    }
    // Namespaces the manifests use without declaring them are added, marked `implied`.
    let objects = resources
        .iter()
        .filter(|r| r["origin"]["source"] == "manifest" && r["attributes"]["implied"] != true)
        .count();
    assert_eq!(
        objects,
        expected_objects(dir),
        "every manifest object is a resource"
    );
}

#[test]
fn the_example_environment_is_conserved() {
    let src = crate_dir().join("examples/connectcentral");
    let dir = tempfile::tempdir().unwrap();
    for e in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        let to = dir.path().join(e.path().strip_prefix(&src).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    assert_conserved(dir.path(), &["."]);
}

#[test]
fn a_corpus_of_look_alikes_is_conserved() {
    let sg = |name: &str| {
        format!("resource \"aws_security_group\" \"{name}\" {{\n  ingress {{\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n}}\n")
    };
    let module = "variable \"n\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  count  = var.n\n  bucket = \"b-${count.index}\"\n}\nresource \"aws_s3_bucket_versioning\" \"v\" {\n  count  = var.n\n  bucket = aws_s3_bucket.b[count.index].id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n";
    let envs = "module \"store\" {\n  source = \"../../modules/store\"\n  n      = 2\n}\nmodule \"off\" {\n  source = \"../../modules/store\"\n  n      = 0\n}\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers: []\n";
    let dir = tree(&[
        ("envs/prod/main.tf", &(sg("web") + envs)),
        ("envs/staging/main.tf", &(sg("web") + envs)),
        ("modules/store/main.tf", module),
        ("dup/a.tf", &sg("web")),
        ("dup/b.tf", &sg("web")),
        ("k8s/one.yaml", pod),
        ("k8s/two.yaml", &format!("{pod}---\n{pod}")),
        (
            "k8s/list.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a, namespace: a}\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a, namespace: a}\n",
        ),
    ]);
    assert_conserved(dir.path(), &["envs/prod", "envs/staging", "dup"]);
    // The same address in two roots, twice in one module, and the same object twice in a file
    // and in two files: each a resource of its own.
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("snapshot.json")).unwrap())
            .unwrap();
    let uids: BTreeSet<&str> = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uid"].as_str().unwrap())
        .collect();
    for uid in [
        "envs/prod:aws_security_group.web",
        "envs/staging:aws_security_group.web",
        "dup:aws_security_group.web",
        "dup:aws_security_group.web#2",
        "k8s:k8s/one.yaml:a/Pod/p",
        "k8s:k8s/two.yaml:a/Pod/p",
        "k8s:k8s/two.yaml:a/Pod/p#2",
        "k8s:k8s/list.yaml:a/ServiceAccount/a",
        "k8s:k8s/list.yaml:a/ServiceAccount/a#2",
        "envs/prod:module.store.aws_s3_bucket.b[1]",
    ] {
        assert!(uids.contains(uid), "{uid} missing from {uids:#?}");
    }
}
