//! Property tests of the value codecs: random types and values round-trip, and random
//! or corrupted bytes never make the decoder panic.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

use super::number::float_to_i64;
use super::{decode, encode, Number, Type, Value};

/// What kinds of values the generator may produce.
#[derive(Debug, Clone, Copy)]
struct Kinds {
    /// Produce `Unknown` (msgpack can carry it, JSON cannot).
    unknowns: bool,
    /// Produce floats and decimal text (JSON turns both into floats).
    non_integers: bool,
}

const MSGPACK: Kinds = Kinds {
    unknowns: true,
    non_integers: true,
};
const JSON: Kinds = Kinds {
    unknowns: false,
    non_integers: false,
};

fn attribute_name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,5}"
}

/// Types up to `depth` levels of nesting. `dynamic` allows `Type::Dynamic` leaves.
fn arb_type(depth: u32, dynamic: bool) -> BoxedStrategy<Type> {
    let leaf = if dynamic {
        prop_oneof![
            Just(Type::String),
            Just(Type::Number),
            Just(Type::Bool),
            Just(Type::Dynamic),
        ]
        .boxed()
    } else {
        prop_oneof![Just(Type::String), Just(Type::Number), Just(Type::Bool)].boxed()
    };
    leaf.prop_recursive(depth, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            btree_map(attribute_name(), inner.clone(), 0..4).prop_map(Type::Object),
            vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

fn arb_number(kinds: Kinds) -> BoxedStrategy<Number> {
    let int = any::<i64>().prop_map(Number::Int);
    if !kinds.non_integers {
        return int.boxed();
    }
    // Floats that travel as floats: not NaN, and not integral within i64 (those are
    // sent as ints and would come back as `Int`).
    let float = any::<f64>()
        .prop_filter("float that stays a float", |f| {
            !f.is_nan() && float_to_i64(*f).is_none()
        })
        .prop_map(Number::Float);
    let decimal = "[+-]?([0-9]{1,30}(\\.[0-9]{0,6})?|\\.[0-9]{1,6})([eE][+-]?[0-9]{1,3})?"
        .prop_map(Number::Decimal);
    prop_oneof![int, float, decimal].boxed()
}

/// Values of type `ty`.
fn arb_value(ty: &Type, kinds: Kinds) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::String => any::<String>().prop_map(Value::String).boxed(),
        Type::Number => arb_number(kinds).prop_map(Value::Number).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::List(element) => vec(arb_value(element, kinds), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(element) => vec(arb_value(element, kinds), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(element) => btree_map(any::<String>(), arb_value(element, kinds), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Object(attributes) => {
            let names: Vec<String> = attributes.keys().cloned().collect();
            let values: Vec<_> = attributes.values().map(|ty| arb_value(ty, kinds)).collect();
            values
                .prop_map(move |values| {
                    Value::Object(names.clone().into_iter().zip(values).collect())
                })
                .boxed()
        }
        Type::Tuple(elements) => {
            let values: Vec<_> = elements.iter().map(|ty| arb_value(ty, kinds)).collect();
            values.prop_map(Value::Tuple).boxed()
        }
        Type::Dynamic => arb_type(2, false)
            .prop_flat_map(move |concrete| {
                arb_value(&concrete, kinds)
                    .prop_map(move |value| Value::Dynamic(concrete.clone(), Box::new(value)))
            })
            .boxed(),
    };
    if kinds.unknowns {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::Unknown), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

fn arb_typed_value(kinds: Kinds) -> impl Strategy<Value = (Type, Value)> {
    arb_type(3, true).prop_flat_map(move |ty| (Just(ty.clone()), arb_value(&ty, kinds)))
}

/// Types the fuzzing properties decode against: primitives, collections, a nested
/// object and a dynamic position.
fn fuzz_types() -> Vec<Type> {
    vec![
        Type::String,
        Type::Number,
        Type::Dynamic,
        Type::list(Type::Dynamic),
        Type::Tuple(vec![Type::Bool, Type::Number]),
        Type::object([
            ("name", Type::String),
            ("ports", Type::list(Type::Number)),
            ("tags", Type::map(Type::set(Type::String))),
            (
                "nested",
                Type::object([("x", Type::Dynamic), ("y", Type::Bool)]),
            ),
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn msgpack_round_trips((ty, value) in arb_typed_value(MSGPACK)) {
        let bytes = encode(&value, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = decode(&bytes, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, value);
    }

    #[test]
    fn json_round_trips_known_values((ty, value) in arb_typed_value(JSON)) {
        let back = Value::from_json(&value.to_json(), &ty)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, value);
    }

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..96)) {
        for ty in fuzz_types() {
            let _ = decode(&bytes, &ty);
        }
    }

    #[test]
    fn corrupted_encodings_never_panic(
        (ty, value) in arb_typed_value(MSGPACK),
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = encode(&value, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if !bytes.is_empty() {
            for (at, byte) in edits {
                let position = at.index(bytes.len());
                if let Some(slot) = bytes.get_mut(position) {
                    *slot = byte;
                }
            }
            let _ = decode(&bytes, &ty);
            let _ = decode(&bytes, &Type::Dynamic);
            bytes.truncate(cut.index(bytes.len()));
            let _ = decode(&bytes, &ty);
        }
    }
}
