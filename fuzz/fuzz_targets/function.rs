//! `provider::panorama::flow_matrix(estate)` as CallFunction reaches it: the estate
//! argument decoded, read strictly and computed, possibly with addresses known only after
//! apply. The first byte picks the argument's form: raw msgpack bytes as sent on the wire,
//! or JSON written as an HCL literal, where the string `"(known after apply)"` stands for
//! an unknown value. Never a panic; a result is a value of the return type, known when the
//! estate holds no unknown value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panorama_provider::flows::CancelToken;
use panorama_provider::provider::functions::{flow_matrix, Functions};
use panorama_provider::tfproto::{msgpack, tfplugin6::DynamicValue, Type, Value};
use std::sync::LazyLock;

static FUNCTIONS: LazyLock<(Functions, Type)> = LazyLock::new(|| {
    let functions = Functions::new().expect("signatures");
    let returns = functions
        .definitions()
        .into_iter()
        .find(|(name, _)| *name == flow_matrix::NAME)
        .expect("flow_matrix")
        .1
        .returns
        .clone();
    (functions, returns)
});

/// The text standing for an unknown value in the JSON form.
const UNKNOWN: &str = "(known after apply)";

/// `value` with every string [`UNKNOWN`] made unknown; whether there was one.
fn with_unknowns(value: Value, found: &mut bool) -> Value {
    let mut walk = |v: Value| with_unknowns(v, found);
    match value {
        Value::String(text) if text == UNKNOWN => {
            *found = true;
            Value::Unknown
        }
        Value::List(items) => Value::List(items.into_iter().map(&mut walk).collect()),
        Value::Set(items) => Value::Set(items.into_iter().map(&mut walk).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(&mut walk).collect()),
        Value::Map(entries) => Value::Map(entries.into_iter().map(|(k, v)| (k, walk(v))).collect()),
        Value::Object(fields) => {
            Value::Object(fields.into_iter().map(|(k, v)| (k, walk(v))).collect())
        }
        Value::Dynamic(ty, inner) => Value::Dynamic(ty, Box::new(walk(*inner))),
        other => other,
    }
}

fuzz_target!(|data: &[u8]| {
    let (functions, returns) = &*FUNCTIONS;
    let Some((&form, rest)) = data.split_first() else {
        return;
    };
    let (argument, unknowns) = if form % 2 == 0 {
        let argument = DynamicValue {
            msgpack: rest.to_vec(),
            json: Vec::new(),
        };
        // Whatever the bytes hold; unknowns are possible.
        (argument, true)
    } else {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(rest) else {
            return;
        };
        let (ty, value) = Type::of_literal(&json);
        let mut found = false;
        let value = with_unknowns(value, &mut found);
        let estate = match ty {
            Type::Dynamic => value,
            ty => Value::Dynamic(ty, Box::new(value)),
        };
        match msgpack::to_dynamic_value(&estate, &Type::Dynamic) {
            Ok(argument) => (argument, found),
            // A literal with no concrete type (`[null]`, say) cannot be sent.
            Err(_) => return,
        }
    };
    let called = functions.call(flow_matrix::NAME, &[argument], &CancelToken::new());
    if let Ok(result) = called {
        let result = msgpack::decode_dynamic_value(&result, returns).expect("the result decodes");
        assert!(
            unknowns || result.is_known(),
            "a wholly known estate gave a result with unknowns"
        );
    }
});
