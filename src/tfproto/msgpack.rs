//! Terraform's msgpack value encoding (the `msgpack` field of a DynamicValue), read
//! and written against a type.
//!
//! Wire forms, per type:
//! - any type: nil is null; any extension value is unknown (type 0 is the plain form,
//!   type 12 carries refinements we do not need and ignore). We write unknowns only as
//!   the plain `d4 00 00`.
//! - number: int or uint (beyond `i64` becomes decimal text), float32/64, or a decimal
//!   string. We write whole numbers as ints, other floats as float64, decimal text as str.
//! - string: str. bool: bool. list, set, tuple: array. map: map with str keys.
//! - object: map holding the attributes. We write every attribute of the type; when
//!   reading, an absent attribute is null and an attribute outside the type is an error.
//! - dynamic: `[type JSON as bin (str accepted), value]`, or a bare nil/extension for a
//!   value whose type is not known.
//!
//! The byte `c1` (never used by msgpack) is refused.

use rmpv::Value as Msg;

use super::error::{DecodeError, EncodeError, MAX_DEPTH};
use super::number::{float_to_i64, Number};
use super::path::AttributePath;
use super::tfplugin6;
use super::types::Type;
use super::value::Value;

/// Decodes msgpack `bytes` as a value of type `ty`. The whole input must be one value.
///
/// The bytes are read against the type as they go (see `msgpack_read`): a value of the
/// wrong type is refused at its first byte, and no length is trusted beyond the input.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    super::msgpack_read::decode(bytes, ty)
}

/// Encodes `value` as msgpack for type `ty`. A value at a `dynamic` position must be a
/// [`Value::Dynamic`] (or a bare `Null`/`Unknown`) so its type can be written.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let root = AttributePath::root();
    let message = to_msgpack(value, ty, &root, 0)?;
    let mut bytes = Vec::new();
    rmpv::encode::write_value(&mut bytes, &message)
        .map_err(|err| EncodeError::new(&root, format!("msgpack writer failed: {err}")))?;
    Ok(bytes)
}

/// Decodes a DynamicValue from Terraform: msgpack when present, else JSON.
pub fn decode_dynamic_value(dv: &tfplugin6::DynamicValue, ty: &Type) -> Result<Value, DecodeError> {
    let root = AttributePath::root();
    if !dv.msgpack.is_empty() {
        decode(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        let json: serde_json::Value = serde_json::from_slice(&dv.json)
            .map_err(|err| DecodeError::new(&root, format!("malformed JSON: {err}")))?;
        Value::from_json(&json, ty)
    } else {
        Err(DecodeError::new(
            &root,
            "no value: both msgpack and json are empty",
        ))
    }
}

/// Encodes `value` of type `ty` as a msgpack DynamicValue for Terraform.
pub fn to_dynamic_value(value: &Value, ty: &Type) -> Result<tfplugin6::DynamicValue, EncodeError> {
    Ok(tfplugin6::DynamicValue {
        msgpack: encode(value, ty)?,
        json: Vec::new(),
    })
}

/// The plain unknown value: extension type 0 with a one-byte zero payload.
fn unknown_ext() -> Msg {
    Msg::Ext(0, vec![0])
}

fn encode_number(number: &Number, path: &AttributePath) -> Result<Msg, EncodeError> {
    match number {
        Number::Int(int) => Ok(Msg::from(*int)),
        Number::Float(float) if float.is_nan() => Err(EncodeError::new(
            path,
            "NaN is not a number Terraform can hold",
        )),
        Number::Float(float) => Ok(match float_to_i64(*float) {
            Some(int) => Msg::from(int),
            None => Msg::F64(*float),
        }),
        Number::Decimal(text) if Number::is_decimal_text(text) => Ok(Msg::from(text.as_str())),
        Number::Decimal(text) => Err(EncodeError::new(path, format!("{text:?} is not a number"))),
    }
}

fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Unknown => "unknown",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Set(_) => "a set",
        Value::Map(_) => "a map",
        Value::Object(_) => "an object",
        Value::Tuple(_) => "a tuple",
        Value::Dynamic(..) => "a dynamic value",
    }
}

fn to_msgpack(
    value: &Value,
    ty: &Type,
    path: &AttributePath,
    depth: usize,
) -> Result<Msg, EncodeError> {
    if depth > MAX_DEPTH {
        return Err(EncodeError::new(
            path,
            format!("value nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    let inner =
        |value: &Value, ty: &Type, path: &AttributePath| to_msgpack(value, ty, path, depth + 1);
    let array = |items: &[Value], element: &Type| {
        (0_i64..)
            .zip(items)
            .map(|(index, item)| inner(item, element, &path.clone().index(index)))
            .collect::<Result<Vec<_>, _>>()
            .map(Msg::Array)
    };
    match (value, ty) {
        (Value::Null, _) => Ok(Msg::Nil),
        (Value::Unknown, _) => Ok(unknown_ext()),
        (Value::Dynamic(concrete, item), Type::Dynamic) => {
            if *concrete == Type::Dynamic {
                return Err(EncodeError::new(
                    path,
                    "a dynamic value needs a concrete type",
                ));
            }
            Ok(Msg::Array(vec![
                Msg::Binary(concrete.to_json_bytes()),
                inner(item, concrete, path)?,
            ]))
        }
        (other, Type::Dynamic) => Err(EncodeError::new(
            path,
            format!(
                "{} at a dynamic position must be wrapped in Value::Dynamic with its type",
                value_kind(other)
            ),
        )),
        (Value::String(text), Type::String) => Ok(Msg::from(text.as_str())),
        (Value::Number(number), Type::Number) => encode_number(number, path),
        (Value::Bool(flag), Type::Bool) => Ok(Msg::Boolean(*flag)),
        (Value::List(items), Type::List(element)) | (Value::Set(items), Type::Set(element)) => {
            array(items, element)
        }
        (Value::Tuple(items), Type::Tuple(elements)) => {
            if items.len() != elements.len() {
                return Err(EncodeError::new(
                    path,
                    format!(
                        "a tuple of {} elements cannot hold {} values",
                        elements.len(),
                        items.len()
                    ),
                ));
            }
            (0_i64..)
                .zip(items.iter().zip(elements))
                .map(|(index, (item, ty))| inner(item, ty, &path.clone().index(index)))
                .collect::<Result<Vec<_>, _>>()
                .map(Msg::Array)
        }
        (Value::Map(entries), Type::Map(element)) => entries
            .iter()
            .map(|(key, item)| {
                let encoded = inner(item, element, &path.clone().key(key.as_str()))?;
                Ok((Msg::from(key.as_str()), encoded))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Msg::Map),
        (Value::Object(fields), Type::Object(attributes)) => {
            if let Some(extra) = fields.keys().find(|name| !attributes.contains_key(*name)) {
                return Err(EncodeError::new(
                    &path.clone().attr(extra.as_str()),
                    "attribute is not part of the object type",
                ));
            }
            attributes
                .iter()
                .map(|(name, ty)| {
                    let encoded = match fields.get(name) {
                        Some(item) => inner(item, ty, &path.clone().attr(name.as_str()))?,
                        None => Msg::Nil,
                    };
                    Ok((Msg::from(name.as_str()), encoded))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Msg::Map)
        }
        (other, ty) => Err(EncodeError::new(
            path,
            format!(
                "{} cannot be encoded as type {}",
                value_kind(other),
                ty.to_json()
            ),
        )),
    }
}

#[cfg(test)]
#[path = "msgpack_tests.rs"]
mod tests;
