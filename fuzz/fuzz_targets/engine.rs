//! The engine on any estate that deserialises: `flows::compute` never panics, finds an
//! error exactly when it gives no matrix, and is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panorama_provider::flows::{self, config::EstateConfig};

fuzz_target!(|data: &[u8]| {
    let Ok(config) = serde_json::from_slice::<EstateConfig>(data) else {
        return;
    };
    let outcome = flows::compute(&config);
    let failed = outcome.diagnostics.iter().any(flows::Diagnostic::is_error);
    assert_eq!(
        outcome.matrix.is_none(),
        failed,
        "{:?}",
        outcome.diagnostics
    );
    assert_eq!(flows::compute(&config), outcome, "not deterministic");
});
