//! Terraform's JSON value encoding (the `json` field of a DynamicValue), read against a
//! type, and a JSON rendering of values.
//!
//! JSON cannot express unknown values, so decoding never produces `Unknown` and encoding
//! writes `Unknown` as `null`. A value at a `dynamic` position is the object
//! `{"value": ..., "type": ...}`, the same shape Terraform uses.

use serde_json::Value as Json;

use super::error::DecodeError;
use super::number::Number;
use super::path::AttributePath;
use super::types::Type;
use super::value::Value;
use super::walk;

impl Value {
    /// Reads JSON as a value of type `ty`. `null` is `Null` at any type; numbers may be
    /// JSON numbers or numeric strings; strings also accept numbers and bools (written
    /// as text); an object's attributes absent from the JSON are `Null`, and JSON keys
    /// that are not attributes of the type are an error.
    pub fn from_json(json: &Json, ty: &Type) -> Result<Value, DecodeError> {
        from_json_at(json, ty, &AttributePath::root(), 0)
    }

    /// Renders the value as JSON: `Unknown` becomes `null`, whole numbers JSON
    /// integers, floats JSON floats, decimal text a JSON number when it fits a finite
    /// float and a string otherwise. Maps and objects become JSON objects, lists, sets
    /// and tuples arrays, and `Dynamic` the object `{"value": ..., "type": ...}`.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null | Value::Unknown => Json::Null,
            Value::Bool(flag) => Json::Bool(*flag),
            Value::Number(number) => number_to_json(number),
            Value::String(text) => Json::String(text.clone()),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                Json::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Map(entries) | Value::Object(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(key, item)| (key.clone(), item.to_json()))
                    .collect(),
            ),
            Value::Dynamic(ty, inner) => {
                let mut wrapper = serde_json::Map::new();
                wrapper.insert("value".to_owned(), inner.to_json());
                wrapper.insert("type".to_owned(), ty.to_json());
                Json::Object(wrapper)
            }
        }
    }
}

impl Type {
    /// The type and value Terraform gives `json` written as an HCL literal: objects for
    /// `{...}`, tuples for `[...]`, and `null` as a null of type `dynamic`. This is how a
    /// `dynamic` attribute carries an estate as written (tests and fuzzing build wire
    /// values with it).
    pub fn of_literal(json: &Json) -> (Type, Value) {
        match json {
            Json::Null => (Type::Dynamic, Value::Null),
            Json::Bool(flag) => (Type::Bool, Value::Bool(*flag)),
            Json::Number(number) => (Type::Number, Value::Number(json_number(number))),
            Json::String(text) => (Type::String, Value::String(text.clone())),
            Json::Array(items) => {
                let (types, values) = items.iter().map(Type::of_literal).unzip();
                (Type::Tuple(types), Value::Tuple(values))
            }
            Json::Object(fields) => {
                let (types, values): (Vec<_>, Vec<_>) = fields
                    .iter()
                    .map(|(name, item)| {
                        let (ty, value) = Type::of_literal(item);
                        ((name.clone(), ty), (name.clone(), value))
                    })
                    .unzip();
                (
                    Type::object(types),
                    Value::Object(values.into_iter().collect()),
                )
            }
        }
    }
}

impl Value {
    /// The object of type `object_type` Terraform sends for `json` written as an HCL object
    /// literal: an attribute it names is, at a `dynamic` attribute, the literal with the
    /// type it implies ([`Type::of_literal`]), and elsewhere read at the attribute's type;
    /// attributes it leaves out or writes as `null` are null. Tests, fuzzing and tools use
    /// it to send an estate the way Terraform does.
    pub fn from_literal_object(json: &Json, object_type: &Type) -> Result<Value, DecodeError> {
        let root = AttributePath::root();
        let (Type::Object(attributes), Json::Object(fields)) = (object_type, json) else {
            return Err(mismatch(json, object_type, &root));
        };
        if let Some(extra) = fields.keys().find(|name| !attributes.contains_key(*name)) {
            return Err(DecodeError::new(
                &root.attr(extra.as_str()),
                "unsupported attribute",
            ));
        }
        let mut object = std::collections::BTreeMap::new();
        for (name, ty) in attributes {
            let value = match (fields.get(name), ty) {
                (None | Some(Json::Null), _) => Value::Null,
                (Some(written), Type::Dynamic) => {
                    let (concrete, value) = Type::of_literal(written);
                    Value::Dynamic(concrete, Box::new(value))
                }
                (Some(written), ty) => Value::from_json(written, ty)?,
            };
            object.insert(name.clone(), value);
        }
        Ok(Value::Object(object))
    }
}

fn number_to_json(number: &Number) -> Json {
    let from_float = |float: f64, text: String| match serde_json::Number::from_f64(float) {
        Some(json) => Json::Number(json),
        None => Json::String(text),
    };
    match number {
        Number::Int(int) => Json::from(*int),
        Number::Float(float) => from_float(*float, float.to_string()),
        Number::Decimal(text) => match text.parse::<f64>() {
            Ok(float) if float.is_finite() => from_float(float, text.clone()),
            _ => Json::String(text.clone()),
        },
    }
}

fn mismatch(json: &Json, ty: &Type, path: &AttributePath) -> DecodeError {
    let found = match json {
        Json::Null => "null",
        Json::Bool(_) => "a bool",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    };
    DecodeError::new(
        path,
        format!("expected a value of type {}, found {found}", ty.to_json()),
    )
}

fn json_number(number: &serde_json::Number) -> Number {
    if let Some(int) = number.as_i64() {
        Number::Int(int)
    } else if number.is_u64() {
        Number::Decimal(number.to_string())
    } else {
        // Without serde_json's arbitrary-precision feature every other number is an f64.
        Number::Float(number.as_f64().unwrap_or_default())
    }
}

fn from_json_at(
    json: &Json,
    ty: &Type,
    path: &AttributePath,
    depth: usize,
) -> Result<Value, DecodeError> {
    walk::within_depth(depth, path)?;
    if json.is_null() {
        return Ok(Value::Null);
    }
    let inner =
        |json: &Json, ty: &Type, path: &AttributePath| from_json_at(json, ty, path, depth + 1);
    match (ty, json) {
        (Type::String, Json::String(text)) => Ok(Value::String(text.clone())),
        (Type::String, Json::Number(number)) => Ok(Value::String(number.to_string())),
        (Type::String, Json::Bool(flag)) => Ok(Value::String(flag.to_string())),
        (Type::Number, Json::Number(number)) => Ok(Value::Number(json_number(number))),
        (Type::Number, Json::String(text)) => Number::from_decimal_text(text)
            .map(Value::Number)
            .map_err(|message| DecodeError::new(path, message)),
        (Type::Bool, Json::Bool(flag)) => Ok(Value::Bool(*flag)),
        (Type::Bool, Json::String(text)) if text == "true" || text == "false" => {
            Ok(Value::Bool(text == "true"))
        }
        (Type::List(_) | Type::Set(_) | Type::Tuple(_), Json::Array(items)) => {
            walk::sequence(ty, items, path, inner)
        }
        (Type::Map(_) | Type::Object(_), Json::Object(fields)) => {
            let fields = fields
                .iter()
                .map(|(key, item)| (key.as_str(), item))
                .collect();
            walk::entries(ty, &fields, path, inner)
        }
        (Type::Dynamic, Json::Object(wrapper)) => {
            let (Some(value), Some(type_json), 2) =
                (wrapper.get("value"), wrapper.get("type"), wrapper.len())
            else {
                return Err(DecodeError::new(
                    path,
                    "a dynamic value must be an object with exactly \"value\" and \"type\"",
                ));
            };
            walk::dynamic(Type::from_json(type_json), value, path, inner)
        }
        _ => Err(mismatch(json, ty, path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_object_with_list() {
        let ty = Type::object([("a", Type::String), ("b", Type::list(Type::Number))]);
        let value = Value::from_json(&json!({"a": "x", "b": [1, 2]}), &ty);
        assert_eq!(
            value,
            Ok(Value::object([
                ("a", Value::string("x")),
                ("b", Value::List(vec![Value::int(1), Value::int(2)])),
            ]))
        );
    }

    #[test]
    fn missing_attribute_is_null_and_extra_is_an_error() {
        let ty = Type::object([("a", Type::String), ("b", Type::Bool)]);
        assert_eq!(
            Value::from_json(&json!({"a": "x"}), &ty),
            Ok(Value::object([("a", "x".into()), ("b", Value::Null)]))
        );
        let err = Value::from_json(&json!({"a": "x", "c": 1}), &ty).unwrap_err();
        assert_eq!(err.path, AttributePath::root().attr("c"));
    }

    #[test]
    fn map_and_object_are_told_apart_by_type() {
        let json = json!({"k": "v"});
        assert_eq!(
            Value::from_json(&json, &Type::map(Type::String)),
            Ok(Value::map([("k", "v".into())]))
        );
        assert_eq!(
            Value::from_json(&json, &Type::object([("k", Type::String)])),
            Ok(Value::object([("k", "v".into())]))
        );
    }

    #[test]
    fn numbers() {
        let read = |json: Json| Value::from_json(&json, &Type::Number);
        assert_eq!(read(json!(5)), Ok(Value::int(5)));
        assert_eq!(read(json!(0.5)), Ok(Value::Number(Number::Float(0.5))));
        assert_eq!(
            read(json!(u64::MAX)),
            Ok(Value::Number(Number::Decimal(u64::MAX.to_string())))
        );
        assert_eq!(
            read(json!("1e3")),
            Ok(Value::Number(Number::Decimal("1e3".into())))
        );
        assert!(read(json!("lots")).is_err());
        assert!(read(json!(true)).is_err());
    }

    #[test]
    fn wrong_shapes_report_their_path() {
        let ty = Type::object([("l", Type::list(Type::Bool))]);
        let err = Value::from_json(&json!({"l": [true, "x"]}), &ty).unwrap_err();
        assert_eq!(err.path, AttributePath::root().attr("l").index(1));
        assert!(Value::from_json(&json!([1]), &Type::Tuple(vec![])).is_err());
    }

    #[test]
    fn dynamic_values() {
        let json = json!({"value": ["a"], "type": ["list", "string"]});
        let value = Value::from_json(&json, &Type::Dynamic);
        let expected = Value::Dynamic(
            Type::list(Type::String),
            Box::new(Value::List(vec!["a".into()])),
        );
        assert_eq!(value, Ok(expected.clone()));
        assert_eq!(expected.to_json(), json);
        assert!(Value::from_json(&json!({"value": 1}), &Type::Dynamic).is_err());
        assert!(Value::from_json(&json!("x"), &Type::Dynamic).is_err());
    }

    #[test]
    fn literals_take_the_types_hcl_gives_them() {
        let (ty, value) = Type::of_literal(&json!({"a": ["x", 1, true], "n": null}));
        assert_eq!(
            ty,
            Type::object([
                (
                    "a",
                    Type::Tuple(vec![Type::String, Type::Number, Type::Bool])
                ),
                ("n", Type::Dynamic),
            ])
        );
        assert_eq!(
            value,
            Value::object([
                (
                    "a",
                    Value::Tuple(vec!["x".into(), Value::int(1), true.into()])
                ),
                ("n", Value::Null),
            ])
        );
    }

    #[test]
    fn literal_objects_fill_dynamic_attributes_with_their_written_types() {
        let ty = Type::object([
            ("d", Type::Dynamic),
            ("s", Type::String),
            ("u", Type::Dynamic),
        ]);
        let value = Value::from_literal_object(&json!({"d": [1], "s": "x"}), &ty);
        assert_eq!(
            value,
            Ok(Value::object([
                (
                    "d",
                    Value::Dynamic(
                        Type::Tuple(vec![Type::Number]),
                        Box::new(Value::Tuple(vec![Value::int(1)]))
                    )
                ),
                ("s", "x".into()),
                ("u", Value::Null),
            ]))
        );
        let err = Value::from_literal_object(&json!({"e": 1}), &ty).unwrap_err();
        assert_eq!(err.path, AttributePath::root().attr("e"));
        assert!(Value::from_literal_object(&json!([1]), &ty).is_err());
    }

    #[test]
    fn renders_json() {
        let value = Value::object([
            ("u", Value::Unknown),
            ("i", Value::int(-3)),
            ("f", Value::Number(Number::Float(1.5))),
            ("d", Value::Number(Number::Decimal("1e3".into()))),
            ("huge", Value::Number(Number::Decimal("1e999".into()))),
            ("s", Value::Set(vec![true.into()])),
        ]);
        assert_eq!(
            value.to_json(),
            json!({"u": null, "i": -3, "f": 1.5, "d": 1000.0, "huge": "1e999", "s": [true]})
        );
    }
}
