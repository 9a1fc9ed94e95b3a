//! Byte-level tests of the msgpack codec.

use super::*;

fn bytes_of(value: &Value, ty: &Type) -> Vec<u8> {
    match encode(value, ty) {
        Ok(bytes) => bytes,
        Err(err) => panic!("encoding {value:?} failed: {err}"),
    }
}

fn decoded(bytes: &[u8], ty: &Type) -> Value {
    match decode(bytes, ty) {
        Ok(value) => value,
        Err(err) => panic!("decoding {bytes:02x?} failed: {err}"),
    }
}

fn decimal(text: &str) -> Value {
    Value::Number(Number::Decimal(text.to_owned()))
}

#[test]
fn encodes_primitives_byte_exact() {
    assert_eq!(bytes_of(&Value::Null, &Type::String), [0xc0]);
    assert_eq!(bytes_of(&Value::Unknown, &Type::Number), [0xd4, 0x00, 0x00]);
    assert_eq!(bytes_of(&Value::int(5), &Type::Number), [0x05]);
    assert_eq!(
        bytes_of(&Value::int(300), &Type::Number),
        [0xcd, 0x01, 0x2c]
    );
    assert_eq!(bytes_of(&Value::int(-1), &Type::Number), [0xff]);
    assert_eq!(bytes_of(&Value::int(-100), &Type::Number), [0xd0, 0x9c]);
    assert_eq!(
        bytes_of(&Value::Number(Number::Float(1.5)), &Type::Number),
        [0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]
    );
    // An integral float travels as an int.
    assert_eq!(
        bytes_of(&Value::Number(Number::Float(2.0)), &Type::Number),
        [0x02]
    );
    let big = "123456789012345678901234567890";
    let mut expected = vec![0xa0 + 30];
    expected.extend_from_slice(big.as_bytes());
    assert_eq!(bytes_of(&decimal(big), &Type::Number), expected);
    assert_eq!(bytes_of(&"hi".into(), &Type::String), [0xa2, b'h', b'i']);
    assert_eq!(bytes_of(&true.into(), &Type::Bool), [0xc3]);
    assert_eq!(bytes_of(&false.into(), &Type::Bool), [0xc2]);
}

#[test]
fn encodes_collections_byte_exact() {
    assert_eq!(
        bytes_of(
            &Value::List(vec![Value::int(1), Value::int(2)]),
            &Type::list(Type::Number)
        ),
        [0x92, 0x01, 0x02]
    );
    assert_eq!(
        bytes_of(&Value::Set(vec!["a".into()]), &Type::set(Type::String)),
        [0x91, 0xa1, b'a']
    );
    assert_eq!(
        bytes_of(&Value::map([("a", "x".into())]), &Type::map(Type::String)),
        [0x81, 0xa1, b'a', 0xa1, b'x']
    );
    assert_eq!(
        bytes_of(
            &Value::Tuple(vec![true.into(), Value::Unknown]),
            &Type::Tuple(vec![Type::Bool, Type::String])
        ),
        [0x92, 0xc3, 0xd4, 0x00, 0x00]
    );
}

#[test]
fn encodes_objects_in_name_order_with_every_attribute() {
    let ty = Type::object([("b", Type::Number), ("a", Type::String), ("c", Type::Bool)]);
    // Built in another order, and without "c".
    let value = Value::object([("b", Value::int(1)), ("a", "x".into())]);
    assert_eq!(
        bytes_of(&value, &ty),
        [0x83, 0xa1, b'a', 0xa1, b'x', 0xa1, b'b', 0x01, 0xa1, b'c', 0xc0]
    );
    let err = encode(&Value::object([("z", Value::Null)]), &ty).unwrap_err();
    assert_eq!(err.path, AttributePath::root().attr("z"));
}

#[test]
fn encodes_dynamic_as_type_and_value() {
    let value = Value::Dynamic(Type::String, Box::new("x".into()));
    let mut expected = vec![0x92, 0xc4, 8];
    expected.extend_from_slice(b"\"string\"");
    expected.extend_from_slice(&[0xa1, b'x']);
    assert_eq!(bytes_of(&value, &Type::Dynamic), expected);
    assert_eq!(bytes_of(&Value::Null, &Type::Dynamic), [0xc0]);
    assert_eq!(bytes_of(&Value::Unknown, &Type::Dynamic), [0xd4, 0, 0]);
    assert_eq!(decoded(&expected, &Type::Dynamic), value);
    // Without its type, a value at a dynamic position cannot be written.
    assert!(encode(&"x".into(), &Type::Dynamic).is_err());
    assert!(encode(
        &Value::Dynamic(Type::Dynamic, Box::new(Value::Null)),
        &Type::Dynamic
    )
    .is_err());
}

#[test]
fn decodes_dynamic_with_str_type_and_typed_null() {
    let mut bytes = vec![0x92, 0xb1];
    bytes.extend_from_slice(br#"["list","number"]"#);
    bytes.extend_from_slice(&[0x91, 0x07]);
    assert_eq!(
        decoded(&bytes, &Type::Dynamic),
        Value::Dynamic(
            Type::list(Type::Number),
            Box::new(Value::List(vec![Value::int(7)]))
        )
    );
    let mut typed_null = vec![0x92, 0xc4, 6];
    typed_null.extend_from_slice(b"\"bool\"");
    typed_null.push(0xc0);
    let value = decoded(&typed_null, &Type::Dynamic);
    assert_eq!(value, Value::Dynamic(Type::Bool, Box::new(Value::Null)));
    assert!(value.is_null());
    assert_eq!(bytes_of(&value, &Type::Dynamic), typed_null);
    // Wrong shapes.
    assert!(decode(&[0x91, 0xc0], &Type::Dynamic).is_err());
    assert!(decode(&[0x92, 0x01, 0x01], &Type::Dynamic).is_err());
    assert!(decode(&[0x92, 0xa3, b'b', b'a', b'd', 0x01], &Type::Dynamic).is_err());
    assert!(decode(&[0xa1, b'x'], &Type::Dynamic).is_err());
}

#[test]
fn any_extension_is_unknown() {
    // Refined unknown, ext8 form: type 12 with the map {1: false} (definitely not null).
    let refined = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2];
    assert_eq!(decoded(&refined, &Type::String), Value::Unknown);
    // Refined unknown, fixext4 form: type 12 with the map {2: "a"} (string prefix).
    let fixext = [0xd6, 0x0c, 0x81, 0x02, 0xa1, b'a'];
    assert_eq!(decoded(&fixext, &Type::String), Value::Unknown);
    assert_eq!(decoded(&[0xd4, 0x00, 0x00], &Type::Number), Value::Unknown);
    assert_eq!(
        decoded(&[0xd4, 0x00, 0x00], &Type::object([("a", Type::String)])),
        Value::Unknown
    );
    assert_eq!(decoded(&[0xd4, 0x00, 0x00], &Type::Dynamic), Value::Unknown);
}

#[test]
fn decodes_numbers_in_every_form() {
    let max = [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    assert_eq!(
        decoded(&max, &Type::Number),
        decimal("18446744073709551615")
    );
    let i64_max = [0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    assert_eq!(decoded(&i64_max, &Type::Number), Value::int(i64::MAX));
    assert_eq!(
        decoded(&[0xca, 0x3f, 0xc0, 0, 0], &Type::Number),
        Value::Number(Number::Float(1.5))
    );
    assert_eq!(decoded(&[0xd0, 0x9c], &Type::Number), Value::int(-100));
    assert_eq!(
        decoded(&[0xa3, b'1', b'e', b'3'], &Type::Number),
        decimal("1e3")
    );
    assert!(decode(&[0xa3, b'a', b'b', b'c'], &Type::Number).is_err());
    assert!(decode(&[0xa0], &Type::Number).is_err());
    // NaN (float64).
    assert!(decode(&[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], &Type::Number).is_err());
    assert!(decode(&[0xc3], &Type::Number).is_err());
}

#[test]
fn rejects_invalid_utf8_strings() {
    assert!(decode(&[0xa2, 0xff, 0xfe], &Type::String).is_err());
    assert!(decode(&[0x81, 0xa1, 0xff, 0x01], &Type::map(Type::Number)).is_err());
}

#[test]
fn objects_reject_extra_keys_and_fill_missing_ones() {
    let ty = Type::object([
        ("inner", Type::object([("a", Type::String)])),
        ("n", Type::Number),
    ]);
    // {"inner": {"a": "x", "b": 1}}
    let bytes = [
        0x81, 0xa5, b'i', b'n', b'n', b'e', b'r', 0x82, 0xa1, b'a', 0xa1, b'x', 0xa1, b'b', 0x01,
    ];
    let err = decode(&bytes, &ty).unwrap_err();
    assert_eq!(err.path, AttributePath::root().attr("inner").attr("b"));
    assert!(err.to_string().contains("inner.b"), "{err}");
    // {"n": 1}: "inner" is absent and reads as null.
    assert_eq!(
        decoded(&[0x81, 0xa1, b'n', 0x01], &ty),
        Value::object([("inner", Value::Null), ("n", Value::int(1))])
    );
    // Duplicate and non-string keys.
    assert!(decode(&[0x82, 0xa1, b'n', 0x01, 0xa1, b'n', 0x02], &ty).is_err());
    assert!(decode(&[0x81, 0x01, 0x01], &ty).is_err());
}

#[test]
fn shape_errors_carry_paths() {
    let ty = Type::object([("m", Type::map(Type::list(Type::Bool)))]);
    // {"m": {"k": [true, 1]}}
    let bytes = [0x81, 0xa1, b'm', 0x81, 0xa1, b'k', 0x92, 0xc3, 0x01];
    let err = decode(&bytes, &ty).unwrap_err();
    assert_eq!(err.path.to_string(), r#"m["k"][1]"#);
    let tuple = Type::Tuple(vec![Type::Bool, Type::Bool]);
    assert!(decode(&[0x91, 0xc3], &tuple).is_err());
}

#[test]
fn rejects_truncated_and_trailing_input() {
    assert!(decode(&[], &Type::String).is_err());
    assert!(decode(&[0x92, 0x01], &Type::list(Type::Number)).is_err());
    assert!(decode(&[0xa5, b'a'], &Type::String).is_err());
    assert!(decode(&[0xcb, 0x3f], &Type::Number).is_err());
    assert!(decode(&[0xc7, 0x05, 0x0c, 0x80], &Type::String).is_err());
    let err = decode(&[0xc0, 0xc0], &Type::String).unwrap_err();
    assert!(err.message.contains("unexpected bytes"), "{err}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut deep_type = Type::Number;
    for _ in 0..200 {
        deep_type = Type::list(deep_type);
    }
    let mut bytes = vec![0x91; 10_000];
    bytes.push(0x01);
    assert!(decode(&bytes, &deep_type).is_err());
    assert!(decode(&bytes, &Type::Dynamic).is_err());
    // Deep enough to pass the parser but beyond the value nesting limit.
    let mut bytes = vec![0x91; MAX_DEPTH + 5];
    bytes.push(0x01);
    let err = decode(&bytes, &deep_type).unwrap_err();
    assert!(err.message.contains("nested"), "{err}");
    // Within the limit it works.
    let mut ten_deep = Type::Number;
    for _ in 0..10 {
        ten_deep = Type::list(ten_deep);
    }
    let mut bytes = vec![0x91; 10];
    bytes.push(0x01);
    assert!(decode(&bytes, &ten_deep).is_ok());
}

#[test]
fn encode_rejects_mismatches() {
    assert!(encode(&Value::int(1), &Type::String).is_err());
    assert!(encode(&Value::List(vec![]), &Type::set(Type::String)).is_err());
    assert!(encode(&Value::Number(Number::Decimal("x".into())), &Type::Number).is_err());
    assert!(encode(&Value::Number(Number::Float(f64::NAN)), &Type::Number).is_err());
    assert!(encode(&Value::Tuple(vec![]), &Type::Tuple(vec![Type::Bool])).is_err());
    let err = encode(
        &Value::object([("a", Value::List(vec![Value::int(1)]))]),
        &Type::object([("a", Type::list(Type::String))]),
    )
    .unwrap_err();
    assert_eq!(err.path.to_string(), "a[0]");
}

#[test]
fn dynamic_value_prefers_msgpack_then_json() {
    let ty = Type::object([("a", Type::String)]);
    let msgpack = tfplugin6::DynamicValue {
        msgpack: vec![0x81, 0xa1, b'a', 0xa1, b'm'],
        json: br#"{"a":"j"}"#.to_vec(),
    };
    assert_eq!(
        decode_dynamic_value(&msgpack, &ty),
        Ok(Value::object([("a", "m".into())]))
    );
    let json = tfplugin6::DynamicValue {
        msgpack: vec![],
        json: br#"{"a":"j"}"#.to_vec(),
    };
    assert_eq!(
        decode_dynamic_value(&json, &ty),
        Ok(Value::object([("a", "j".into())]))
    );
    let broken = tfplugin6::DynamicValue {
        msgpack: vec![],
        json: b"{".to_vec(),
    };
    assert!(decode_dynamic_value(&broken, &ty).is_err());
    let err = decode_dynamic_value(&tfplugin6::DynamicValue::default(), &ty).unwrap_err();
    assert!(err.message.contains("no value"), "{err}");
    let value = Value::object([("a", "x".into())]);
    let wire = to_dynamic_value(&value, &ty).unwrap();
    assert!(wire.json.is_empty());
    assert_eq!(decode_dynamic_value(&wire, &ty), Ok(value));
}

#[test]
fn wrong_type_is_refused_at_its_first_byte() {
    // 1 MiB of nils in an array where an object is expected: refused by the array
    // marker, before a single element is read.
    let mut bytes = vec![0xdd];
    bytes.extend_from_slice(&(1_u32 << 20).to_be_bytes());
    bytes.resize(bytes.len() + (1 << 20), 0xc0);
    let err = decode(&bytes, &Type::object([("a", Type::String)])).unwrap_err();
    assert!(err.path.is_root());
    assert!(err.message.contains("found an array"), "{err}");
}

#[test]
fn lengths_beyond_the_input_are_refused_before_allocating() {
    // array32, map32, str32 and bin32 announcing 4 GiB with a few bytes behind them.
    for marker in [0xdd, 0xdf, 0xdb, 0xc6] {
        let mut bytes = vec![marker, 0xff, 0xff, 0xff, 0xff];
        bytes.extend_from_slice(&[0xc0; 8]);
        for ty in [
            Type::list(Type::String),
            Type::map(Type::String),
            Type::String,
            Type::Dynamic,
        ] {
            let err = decode(&bytes, &ty).unwrap_err();
            assert!(
                err.message.contains("announced") || err.message.contains("expected"),
                "{marker:x} as {}: {err}",
                ty.to_json()
            );
        }
    }
    // A map's entries need two bytes each: 5 entries cannot fit in 9 bytes.
    let mut bytes = vec![0x85];
    bytes.extend_from_slice(&[0xa0; 9]);
    let err = decode(&bytes, &Type::map(Type::String)).unwrap_err();
    assert!(err.message.contains("5 elements announced"), "{err}");
}

#[test]
fn dynamic_values_are_read_in_place() {
    // {"firewalls": ["object", {"a": "string"}] wrapped as dynamic, inside an object.
    let ty = Type::object([("firewalls", Type::Dynamic)]);
    let mut bytes = vec![0x81, 0xa9];
    bytes.extend_from_slice(b"firewalls");
    bytes.extend_from_slice(&[0x92, 0xc4, 27]);
    bytes.extend_from_slice(br#"["object",{"a":"string"}]  "#);
    bytes.extend_from_slice(&[0x81, 0xa1, b'a', 0xa1, b'x']);
    let value = decoded(&bytes, &ty);
    assert_eq!(
        value,
        Value::object([(
            "firewalls",
            Value::Dynamic(
                Type::object([("a", Type::String)]),
                Box::new(Value::object([("a", "x".into())]))
            )
        )])
    );
    // The declared type governs the value: a number where it says string is refused
    // at the value's path.
    let last = bytes.len() - 2;
    bytes.truncate(last);
    bytes.push(0x07);
    bytes.push(0xc0);
    let err = decode(&bytes, &ty).unwrap_err();
    assert_eq!(err.path.to_string(), "firewalls.a");
    // A dynamic value declaring `dynamic` is refused.
    let mut bytes = vec![0x92, 0xa9];
    bytes.extend_from_slice(br#""dynamic""#);
    bytes.push(0xc0);
    assert!(decode(&bytes, &Type::Dynamic).is_err());
}

#[test]
fn reserved_byte_is_refused() {
    assert!(decode(&[0xc1], &Type::String).is_err());
}
