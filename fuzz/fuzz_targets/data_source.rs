//! The estate reader and validator as Terraform reaches them: `validate` and `read` of
//! the data source. The first byte picks the input's form: raw msgpack bytes as sent on
//! the wire, or (structured) JSON turned into a configuration as Terraform sends it
//! (each input a `dynamic` value with the type it was written with). Every outcome is diagnostics or state, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panorama_provider::flows::CancelToken;
use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::tfproto::{msgpack, tfplugin6::DynamicValue, Type, Value};
use std::sync::LazyLock;

static DATA_SOURCE: LazyLock<(FlowMatrixDataSource, Type)> = LazyLock::new(|| {
    let data_source = FlowMatrixDataSource::new().expect("schema");
    let ty = data_source.schema().block.value_type();
    (data_source, ty)
});

fuzz_target!(|data: &[u8]| {
    let (data_source, ty) = &*DATA_SOURCE;
    let Some((&form, rest)) = data.split_first() else {
        return;
    };
    let config = if form % 2 == 0 {
        DynamicValue {
            msgpack: rest.to_vec(),
            json: Vec::new(),
        }
    } else {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(rest) else {
            return;
        };
        // Each input attribute as Terraform sends a `dynamic` attribute: the value as
        // written, with its type.
        let Ok(config) = Value::from_literal_object(&json, ty) else {
            return;
        };
        match msgpack::to_dynamic_value(&config, ty) {
            Ok(config) => config,
            // A literal with no concrete type (`[null]`, say) cannot be sent.
            Err(_) => return,
        }
    };
    let _ = data_source.validate(Some(&config));
    let (state, diagnostics) = data_source.read(Some(&config), &CancelToken::new());
    if let Some(state) = state {
        // A state is a known value of the schema's type.
        let state = msgpack::decode_dynamic_value(&state, ty).expect("the state decodes");
        assert!(state.is_known());
        assert!(!diagnostics.iter().any(|d| d.is_error()));
    }
});
