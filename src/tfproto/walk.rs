//! Decoding steps shared by the msgpack and JSON readers. Both walk a type and an encoded
//! tree the same way and differ only in how leaves are spelled, so containers (lists,
//! sets, tuples, maps, objects, dynamic values) are decoded here, once.

use std::collections::BTreeMap;

use super::error::{DecodeError, TypeError, MAX_DEPTH};
use super::path::AttributePath;
use super::types::Type;
use super::value::Value;

/// Decodes one nested element at a type and path.
pub(crate) trait Element<T: ?Sized>:
    Fn(&T, &Type, &AttributePath) -> Result<Value, DecodeError>
{
}

impl<T: ?Sized, F: Fn(&T, &Type, &AttributePath) -> Result<Value, DecodeError>> Element<T> for F {}

/// A list, set or tuple (`ty`) from its encoded elements.
pub(crate) fn sequence<T>(
    ty: &Type,
    items: &[T],
    path: &AttributePath,
    element: impl Element<T>,
) -> Result<Value, DecodeError> {
    let at = |index: usize| path.clone().index(i64::try_from(index).unwrap_or(i64::MAX));
    let each = |element_type: &Type| {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| element(item, element_type, &at(i)))
            .collect::<Result<Vec<_>, _>>()
    };
    match ty {
        Type::List(element_type) => each(element_type).map(Value::List),
        Type::Set(element_type) => each(element_type).map(Value::Set),
        Type::Tuple(types) if types.len() == items.len() => types
            .iter()
            .zip(items)
            .enumerate()
            .map(|(i, (element_type, item))| element(item, element_type, &at(i)))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Tuple),
        Type::Tuple(types) => Err(DecodeError::new(
            path,
            format!(
                "a tuple of {} elements cannot hold {} values",
                types.len(),
                items.len()
            ),
        )),
        other => Err(DecodeError::new(
            path,
            format!("a sequence cannot be read as {}", other.to_json()),
        )),
    }
}

/// A map or object (`ty`) from its encoded entries, keyed by string. An object's
/// attributes missing from the entries are null; entries that are not attributes are an
/// error.
pub(crate) fn entries<T: ?Sized>(
    ty: &Type,
    fields: &BTreeMap<&str, &T>,
    path: &AttributePath,
    element: impl Element<T>,
) -> Result<Value, DecodeError> {
    match ty {
        Type::Map(element_type) => fields
            .iter()
            .map(|(key, item)| {
                Ok((
                    (*key).to_owned(),
                    element(item, element_type, &path.clone().key(*key))?,
                ))
            })
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map(Value::Map),
        Type::Object(attributes) => {
            if let Some(extra) = fields.keys().find(|name| !attributes.contains_key(**name)) {
                return Err(DecodeError::new(
                    &path.clone().attr(*extra),
                    "unsupported attribute",
                ));
            }
            attributes
                .iter()
                .map(|(name, attribute_type)| {
                    let value = match fields.get(name.as_str()) {
                        Some(item) => {
                            element(item, attribute_type, &path.clone().attr(name.as_str()))?
                        }
                        None => Value::Null,
                    };
                    Ok((name.clone(), value))
                })
                .collect::<Result<BTreeMap<_, _>, _>>()
                .map(Value::Object)
        }
        other => Err(DecodeError::new(
            path,
            format!("a map cannot be read as {}", other.to_json()),
        )),
    }
}

/// A value at a `dynamic` position: its concrete type (as decoded from the encoding's
/// type field) and the value read at that type.
pub(crate) fn dynamic<T: ?Sized>(
    concrete: Result<Type, TypeError>,
    item: &T,
    path: &AttributePath,
    element: impl Element<T>,
) -> Result<Value, DecodeError> {
    let concrete = concrete_type(concrete, path)?;
    let decoded = element(item, &concrete, path)?;
    Ok(Value::Dynamic(concrete, Box::new(decoded)))
}

/// The type a dynamic value declares, which must be concrete (not `dynamic` itself).
pub(crate) fn concrete_type(
    concrete: Result<Type, TypeError>,
    path: &AttributePath,
) -> Result<Type, DecodeError> {
    let concrete = concrete.map_err(|err| DecodeError::new(path, err.to_string()))?;
    if concrete == Type::Dynamic {
        return Err(DecodeError::new(
            path,
            "a dynamic value needs a concrete type",
        ));
    }
    Ok(concrete)
}

/// Refuses values nested deeper than [`MAX_DEPTH`], so hostile input cannot exhaust the stack.
pub(crate) fn within_depth(depth: usize, path: &AttributePath) -> Result<(), DecodeError> {
    if depth > MAX_DEPTH {
        return Err(DecodeError::new(
            path,
            format!("value nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    Ok(())
}
