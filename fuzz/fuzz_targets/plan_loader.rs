//! Arbitrary bytes as a `terraform show -json` plan, through the plan reader and the adapters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::terraform::{adapter::adapt, plan::load_plan};
use std::sync::OnceLock;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    let path = dir.path().join("plan.json");
    std::fs::write(&path, data).unwrap();
    let plan = load_plan(&path, "plan.json", None);
    let _ = adapt(&plan.instances, "terraform-plan");
});
