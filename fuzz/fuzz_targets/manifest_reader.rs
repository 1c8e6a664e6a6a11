//! Arbitrary text as a Kubernetes manifest stream, through the YAML reader, the adapter and
//! the Kubernetes analysis (RBAC, network policy, workloads).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::model::Snapshot;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut snapshot = Snapshot::new(Vec::new());
    let mut diags = Vec::new();
    rampart::scan::read_manifests(text, "fuzz.yaml", &mut snapshot, &mut diags);
    rampart::analyze::kubernetes::analyze(&mut snapshot.resources);
});
