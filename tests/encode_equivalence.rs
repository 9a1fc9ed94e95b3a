//! The provider writes states and function results straight from the engine's types
//! (`provider::encode`); the bytes must be exactly those of the path it replaced: the
//! outputs as a `Value` tree (`provider::output`), then `msgpack::encode`. Checked on the
//! example estates of the fuzz corpus (one with addresses known after apply, as the
//! function sees at plan time) and on benchmark estates of both shapes.

#[path = "../benches/support/estate.rs"]
mod estate;
mod support;

use panorama_provider::flows::{self, input::Input, CancelToken};
use panorama_provider::provider::encode::Options;
use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::provider::{convert, output, schema};
use panorama_provider::tfproto::{msgpack, Type, Value};
use serde_json::Value as Json;

use estate::Shape;

/// How the function's seed writes an address known after apply.
const UNKNOWN: &str = "(known after apply)";

fn with_unknowns(input: Input) -> Input {
    match input {
        Input::String(text) if text == UNKNOWN => Input::Unknown,
        Input::List(items) => Input::List(items.into_iter().map(with_unknowns).collect()),
        Input::Map(entries) => Input::Map(
            entries
                .into_iter()
                .map(|(key, item)| (key, with_unknowns(item)))
                .collect(),
        ),
        other => other,
    }
}

/// A corpus seed as JSON: the `data_source` and `function` seeds start with a form byte.
fn seed(path: &str) -> Json {
    let bytes = std::fs::read(support::repo().join(path)).expect("seed");
    let text = bytes.strip_prefix(&[1]).unwrap_or(&bytes);
    serde_json::from_slice(text).expect("JSON")
}

/// The data source's state for `estate`, both ways.
fn state_both_ways(estate: &Json) -> (Vec<u8>, Vec<u8>) {
    let data_source = FlowMatrixDataSource::new().expect("schema");
    let state_type = data_source.schema().block.value_type();
    let outputs = schema::outputs_type().expect("schema");
    let config = Value::from_literal_object(estate, &state_type).expect("a configuration");
    let inputs = schema::input_attribute_names().expect("schema");
    let outcome = flows::compute_input(&convert::estate_input(&config, &inputs));
    let matrix = outcome.matrix.expect("the estate computes");
    let cancel = CancelToken::new();
    let old = convert::state_value(&config, &matrix, &outputs, &cancel).expect("a state");
    let old = msgpack::encode(&old, &state_type).expect("encodes");
    let options = Options {
        cancel: &cancel,
        unknowns: false,
    };
    let layout =
        convert::layout(Some(&config), &matrix, &state_type, &outputs, options).expect("measured");
    let new = convert::write_object(
        Some(&config),
        &matrix,
        &state_type,
        &outputs,
        options,
        layout.total,
    )
    .expect("written");
    assert_eq!(layout.total, new.len(), "the layout measures the state");
    (old, new)
}

/// The function's result for `estate` (unknown addresses allowed), both ways.
fn result_both_ways(estate: &Json) -> (Vec<u8>, Vec<u8>) {
    let returns = schema::outputs_type().expect("schema");
    let outcome = flows::compute_input(&with_unknowns(Input::from(estate)));
    let matrix = outcome.matrix.expect("the estate computes");
    let old = output::to_value(&matrix, &returns).expect("a value");
    let old = msgpack::encode(&old, &returns).expect("encodes");
    let cancel = CancelToken::new();
    let options = Options {
        cancel: &cancel,
        unknowns: true,
    };
    let layout = convert::layout(None, &matrix, &returns, &returns, options).expect("measured");
    let new = convert::write_object(None, &matrix, &returns, &returns, options, layout.total)
        .expect("written");
    assert_eq!(layout.total, new.len(), "the layout measures the result");
    (old, new)
}

#[test]
fn example_states_are_byte_identical() {
    for name in ["quickstart", "spec", "panorama_flow_matrix"] {
        let estate = seed(&format!("fuzz/corpus/engine/{name}.estate"));
        let (old, new) = state_both_ways(&estate);
        assert!(
            old == new,
            "{name}: {} bytes before, {} now",
            old.len(),
            new.len()
        );
        let (old, new) = result_both_ways(&estate);
        assert!(old == new, "{name} (function)");
    }
}

#[test]
fn results_with_unknown_addresses_are_byte_identical() {
    let estate = seed("fuzz/corpus/function/spec-unknown-addresses.estate");
    let (old, new) = result_both_ways(&estate);
    // The estate does hold unknowns: the plain unknown extension is in the result.
    assert!(new.windows(3).any(|w| w == [0xd4, 0, 0]));
    assert!(old == new, "{} bytes before, {} now", old.len(), new.len());
}

#[test]
fn benchmark_states_are_byte_identical() {
    for shape in [Shape::groups(40), Shape::wide(12)] {
        let estate = estate::estate(&shape).expect("fits");
        let (old, new) = state_both_ways(&estate);
        assert!(
            old == new,
            "{shape:?}: {} bytes before, {} now",
            old.len(),
            new.len()
        );
    }
}

/// The state type, so a wrong type is an error and not a panic.
#[test]
fn a_state_type_that_is_not_an_object_is_an_error() {
    let cancel = CancelToken::new();
    let options = Options {
        cancel: &cancel,
        unknowns: false,
    };
    let matrix = flows::FlowMatrix::default();
    let outputs = schema::outputs_type().expect("schema");
    assert!(convert::layout(None, &matrix, &Type::String, &outputs, options).is_err());
}
