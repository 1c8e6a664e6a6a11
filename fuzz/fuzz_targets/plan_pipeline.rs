//! Arbitrary bytes as a `terraform show -json` plan, through the plan reader, the adapters,
//! every analysis and every built-in rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::engine::Engine;
use rampart::scan::{build_snapshot, evaluate, EvalOptions, Sources};
use std::sync::OnceLock;

static ENGINE: OnceLock<Engine> = OnceLock::new();
static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    let path = dir.path().join("plan.json");
    std::fs::write(&path, data).unwrap();
    let sources = Sources {
        paths: vec![path],
        root: dir.path().to_path_buf(),
        ..Default::default()
    };
    let Ok(snapshot) = build_snapshot(&sources) else {
        return;
    };
    let engine = ENGINE.get_or_init(|| Engine::new(&[]).unwrap());
    evaluate(engine, snapshot, &EvalOptions::default()).unwrap();
});
