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
        let Ok(serde_json::Value::Object(estate)) =
            serde_json::from_slice::<serde_json::Value>(rest)
        else {
            return;
        };
        // Each input attribute as Terraform sends a `dynamic` attribute: the value as
        // written, with its type. Unset (and unknown) attributes are null.
        let Type::Object(attributes) = ty else {
            return;
        };
        let config = Value::Object(
            attributes
                .keys()
                .map(|name| {
                    let value = match estate.get(name) {
                        None | Some(serde_json::Value::Null) => Value::Null,
                        Some(written) => {
                            let (ty, value) = Type::of_literal(written);
                            Value::Dynamic(ty, Box::new(value))
                        }
                    };
                    (name.clone(), value)
                })
                .collect(),
        );
        match msgpack::to_dynamic_value(&config, ty) {
            Ok(config) => config,
            // `null` written as a whole input has no concrete type to send.
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
