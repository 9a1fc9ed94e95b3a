//! The JSON reader (`Value::from_json`, and a DynamicValue carrying JSON) against the
//! data source's type and `dynamic`. Never a panic; what decodes renders back to JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::tfproto::{msgpack, tfplugin6::DynamicValue, Type, Value};
use std::sync::LazyLock;

static TYPES: LazyLock<Vec<Type>> = LazyLock::new(|| {
    let config = FlowMatrixDataSource::new()
        .expect("schema")
        .schema()
        .block
        .value_type();
    vec![config, Type::Dynamic, Type::map(Type::list(Type::Number))]
});

fuzz_target!(|data: &[u8]| {
    for ty in TYPES.iter() {
        let wire = DynamicValue {
            msgpack: Vec::new(),
            json: data.to_vec(),
        };
        if let Ok(value) = msgpack::decode_dynamic_value(&wire, ty) {
            let json = value.to_json();
            // JSON written from a value reads back at the same type.
            Value::from_json(&json, ty).expect("rendered JSON reads back");
        }
    }
});
