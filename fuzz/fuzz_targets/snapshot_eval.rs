//! Arbitrary bytes as a snapshot file, through the snapshot reader, every analysis and every
//! built-in rule: whatever a snapshot holds, evaluation gives results (an odd value is an
//! `error` result on its resource) and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::engine::Engine;
use rampart::model::Snapshot;
use rampart::scan::{evaluate, EvalOptions};
use std::sync::OnceLock;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(snapshot) = Snapshot::from_json(text) else {
        return;
    };
    let engine = ENGINE.get_or_init(|| Engine::new(&[]).unwrap());
    evaluate(engine, snapshot, &EvalOptions::default()).unwrap();
});
