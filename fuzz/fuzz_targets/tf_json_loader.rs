//! Arbitrary bytes as a `.tf.json` file, through the JSON syntax reader, evaluation and the
//! adapters: every form the HCL JSON specification allows, and what it does not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::terraform::{adapter::adapt, load_directory, VarInputs};
use std::sync::OnceLock;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    std::fs::write(dir.path().join("main.tf.json"), data).unwrap();
    let ev = load_directory(dir.path(), dir.path(), &VarInputs::default());
    let _ = adapt(&ev.instances, "terraform");
});
