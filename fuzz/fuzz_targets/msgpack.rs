//! The msgpack reader: arbitrary bytes against the data source's type, `dynamic`, and a
//! few nested collection types. It must return a value or an error, never panic, and a
//! value it returns must encode again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panorama_provider::provider::flow_matrix::FlowMatrixDataSource;
use panorama_provider::tfproto::{msgpack, Type};
use std::sync::LazyLock;

static TYPES: LazyLock<Vec<Type>> = LazyLock::new(|| {
    let config = FlowMatrixDataSource::new()
        .expect("schema")
        .schema()
        .block
        .value_type();
    vec![
        config,
        Type::Dynamic,
        Type::list(Type::map(Type::Number)),
        Type::set(Type::Bool),
        Type::object([("a", Type::String), ("b", Type::Dynamic)]),
        Type::Tuple(vec![Type::String, Type::Number]),
    ]
});

fuzz_target!(|data: &[u8]| {
    // The first byte picks the type; the rest is the value.
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let ty = &TYPES[usize::from(pick) % TYPES.len()];
    if let Ok(value) = msgpack::decode(bytes, ty) {
        // Whatever decodes is a value of the type, so it encodes.
        msgpack::encode(&value, ty).expect("a decoded value encodes");
    }
});
