//! The engine on any JSON: through the strict reader (`flows::compute_input`, the path
//! every entry point takes) and, when the JSON deserialises to `EstateConfig`, straight
//! through `flows::compute`. Never a panic; a matrix only without errors (and, from a
//! model, an error whenever there is no matrix); the same input gives the same outcome.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panorama_provider::flows::{self, config::EstateConfig, input::Input};

fn has_error(outcome: &flows::Outcome) -> bool {
    outcome.diagnostics.iter().any(flows::Diagnostic::is_error)
}

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let input = Input::from(&json);
    let outcome = flows::compute_input(&input);
    assert!(
        !(outcome.matrix.is_some() && has_error(&outcome)),
        "{:?}",
        outcome.diagnostics
    );
    assert_eq!(flows::compute_input(&input), outcome, "not deterministic");

    let Ok(config) = serde_json::from_value::<EstateConfig>(json) else {
        return;
    };
    let outcome = flows::compute(&config);
    assert_eq!(
        outcome.matrix.is_none(),
        has_error(&outcome),
        "{:?}",
        outcome.diagnostics
    );
    assert_eq!(flows::compute(&config), outcome, "not deterministic");
});
