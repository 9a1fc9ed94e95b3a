//! The engine's outputs as Terraform values, written straight from their serde form
//! against the Terraform type they must have.
//!
//! One writer for the data source's state and the functions' results, so both give the
//! same value for the same outputs. Unlike JSON, a Terraform value can be unknown: the
//! engine marks an output known only after apply with [`Known::Unknown`], which
//! serialises as the newtype struct [`UNKNOWN`] and is written here as [`Value::Unknown`].
//!
//! A large state takes a while to write, so the writer checks a [`CancelToken`] at every
//! element of a list, set or map.
//!
//! [`Known::Unknown`]: crate::flows::known::Known::Unknown

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{self, Impossible, Serialize};

use crate::flows::known::UNKNOWN;
use crate::flows::{CancelToken, Cancelled};
use crate::tfproto::{Number, Type, Value};

/// Why an output could not be written as a value of its type: the engine's types and the
/// schema disagree (a bug, reported rather than panicking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputError(pub String);

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutputError {}

impl From<Cancelled> for OutputError {
    fn from(cancelled: Cancelled) -> Self {
        OutputError(cancelled.to_string())
    }
}

impl ser::Error for OutputError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        OutputError(message.to_string())
    }
}

/// `output` as a Terraform value of type `ty`: structs become objects (every attribute of
/// the type must be written), sequences lists or sets, `None` null, and
/// [`Known::Unknown`](crate::flows::known::Known::Unknown) unknown.
pub fn to_value<T: Serialize + ?Sized>(output: &T, ty: &Type) -> Result<Value, OutputError> {
    // A token nobody else holds is never set.
    to_value_cancellable(output, ty, &CancelToken::new())
}

/// [`to_value`], giving up soon after `cancel` is set. The error then says the
/// computation was cancelled; callers tell it from a bug by the token, which stays set.
pub fn to_value_cancellable<T: Serialize + ?Sized>(
    output: &T,
    ty: &Type,
    cancel: &CancelToken,
) -> Result<Value, OutputError> {
    output.serialize(Writer { ty, cancel })
}

/// Writes one value at type `ty`.
struct Writer<'t> {
    ty: &'t Type,
    cancel: &'t CancelToken,
}

impl Writer<'_> {
    /// `value`, if `ty` is the type it needs.
    fn leaf(&self, needs: &Type, value: Value) -> Result<Value, OutputError> {
        if self.ty == needs {
            Ok(value)
        } else {
            Err(self.mismatch(&needs.to_json().to_string()))
        }
    }

    fn mismatch(&self, found: &str) -> OutputError {
        OutputError(format!(
            "a {found} cannot be written as type {}",
            self.ty.to_json()
        ))
    }

    fn number(&self, number: Number) -> Result<Value, OutputError> {
        self.leaf(&Type::Number, Value::Number(number))
    }
}

impl<'t> ser::Serializer for Writer<'t> {
    type Ok = Value;
    type Error = OutputError;
    type SerializeSeq = Sequence<'t>;
    type SerializeTuple = Impossible<Value, OutputError>;
    type SerializeTupleStruct = Impossible<Value, OutputError>;
    type SerializeTupleVariant = Impossible<Value, OutputError>;
    type SerializeMap = Entries<'t>;
    type SerializeStruct = Attributes<'t>;
    type SerializeStructVariant = Impossible<Value, OutputError>;

    fn serialize_bool(self, v: bool) -> Result<Value, OutputError> {
        self.leaf(&Type::Bool, Value::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Value, OutputError> {
        self.number(Number::Int(v.into()))
    }

    fn serialize_i16(self, v: i16) -> Result<Value, OutputError> {
        self.number(Number::Int(v.into()))
    }

    fn serialize_i32(self, v: i32) -> Result<Value, OutputError> {
        self.number(Number::Int(v.into()))
    }

    fn serialize_i64(self, v: i64) -> Result<Value, OutputError> {
        self.number(Number::Int(v))
    }

    fn serialize_u8(self, v: u8) -> Result<Value, OutputError> {
        self.number(Number::Int(v.into()))
    }

    fn serialize_u16(self, v: u16) -> Result<Value, OutputError> {
        self.number(Number::Int(v.into()))
    }

    fn serialize_u32(self, v: u32) -> Result<Value, OutputError> {
        self.number(Number::Int(v.into()))
    }

    fn serialize_u64(self, v: u64) -> Result<Value, OutputError> {
        match i64::try_from(v) {
            Ok(int) => self.number(Number::Int(int)),
            Err(_) => self.number(Number::Decimal(v.to_string())),
        }
    }

    fn serialize_f32(self, v: f32) -> Result<Value, OutputError> {
        self.serialize_f64(v.into())
    }

    fn serialize_f64(self, v: f64) -> Result<Value, OutputError> {
        if v.is_finite() {
            self.number(Number::Float(v))
        } else {
            Err(OutputError(format!(
                "{v} is not a number Terraform can hold"
            )))
        }
    }

    fn serialize_char(self, v: char) -> Result<Value, OutputError> {
        self.leaf(&Type::String, Value::String(v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<Value, OutputError> {
        self.leaf(&Type::String, Value::String(v.to_owned()))
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<Value, OutputError> {
        Err(self.mismatch("byte string"))
    }

    fn serialize_none(self) -> Result<Value, OutputError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, OutputError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, OutputError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Value, OutputError> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value, OutputError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, OutputError> {
        if name == UNKNOWN {
            // The inside of an unknown refuses to be written; nothing to look at.
            Ok(Value::Unknown)
        } else {
            value.serialize(self)
        }
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result<Value, OutputError> {
        Err(self.mismatch(&format!("enum variant `{variant}`")))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Sequence<'t>, OutputError> {
        let (element, set) = match self.ty {
            Type::List(element) => (element.as_ref(), false),
            Type::Set(element) => (element.as_ref(), true),
            _ => return Err(self.mismatch("sequence")),
        };
        Ok(Sequence {
            element,
            set,
            cancel: self.cancel,
            items: Vec::with_capacity(len.unwrap_or_default()),
        })
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, OutputError> {
        Err(self.mismatch("tuple"))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, OutputError> {
        Err(self.mismatch(&format!("tuple struct `{name}`")))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, OutputError> {
        Err(self.mismatch(&format!("enum variant `{variant}`")))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'t>, OutputError> {
        match self.ty {
            Type::Map(element) => Ok(Entries {
                element,
                cancel: self.cancel,
                entries: BTreeMap::new(),
                key: None,
            }),
            _ => Err(self.mismatch("map")),
        }
    }

    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Attributes<'t>, OutputError> {
        match self.ty {
            Type::Object(types) => Ok(Attributes {
                name,
                types,
                cancel: self.cancel,
                attributes: BTreeMap::new(),
            }),
            _ => Err(self.mismatch(&format!("struct `{name}`"))),
        }
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, OutputError> {
        Err(self.mismatch(&format!("enum variant `{variant}`")))
    }
}

/// The elements of a list or set.
struct Sequence<'t> {
    element: &'t Type,
    set: bool,
    cancel: &'t CancelToken,
    items: Vec<Value>,
}

impl ser::SerializeSeq for Sequence<'_> {
    type Ok = Value;
    type Error = OutputError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutputError> {
        self.cancel.check()?;
        self.items
            .push(to_value_cancellable(value, self.element, self.cancel)?);
        Ok(())
    }

    fn end(self) -> Result<Value, OutputError> {
        Ok(match self.set {
            true => Value::Set(self.items),
            false => Value::List(self.items),
        })
    }
}

/// The entries of a map (string keys).
struct Entries<'t> {
    element: &'t Type,
    cancel: &'t CancelToken,
    entries: BTreeMap<String, Value>,
    key: Option<String>,
}

impl ser::SerializeMap for Entries<'_> {
    type Ok = Value;
    type Error = OutputError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), OutputError> {
        match to_value(key, &Type::String)? {
            Value::String(key) => {
                self.key = Some(key);
                Ok(())
            }
            _ => Err(OutputError("map keys must be strings".into())),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutputError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| OutputError("a map value came without its key".into()))?;
        self.cancel.check()?;
        let value = to_value_cancellable(value, self.element, self.cancel)?;
        self.entries.insert(key, value);
        Ok(())
    }

    fn end(self) -> Result<Value, OutputError> {
        Ok(Value::Map(self.entries))
    }
}

/// The attributes of an object: exactly those of its type.
struct Attributes<'t> {
    name: &'static str,
    types: &'t BTreeMap<String, Type>,
    cancel: &'t CancelToken,
    attributes: BTreeMap<String, Value>,
}

impl ser::SerializeStruct for Attributes<'_> {
    type Ok = Value;
    type Error = OutputError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), OutputError> {
        let ty = self
            .types
            .get(name)
            .ok_or_else(|| OutputError(format!("`{}.{name}` is not in the schema", self.name)))?;
        let value = to_value_cancellable(value, ty, self.cancel)
            .map_err(|OutputError(why)| OutputError(format!("`{}.{name}`: {why}", self.name)))?;
        self.attributes.insert(name.to_owned(), value);
        Ok(())
    }

    fn end(self) -> Result<Value, OutputError> {
        if let Some(missing) = self
            .types
            .keys()
            .find(|n| !self.attributes.contains_key(*n))
        {
            return Err(OutputError(format!(
                "`{}` has no `{missing}`, which the schema has",
                self.name
            )));
        }
        Ok(Value::Object(self.attributes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::known::Known;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Row {
        name: String,
        port: u16,
        cidr: Known<Option<String>>,
        tags: Known<Vec<String>>,
    }

    fn row_type() -> Type {
        Type::object([
            ("name", Type::String),
            ("port", Type::Number),
            ("cidr", Type::String),
            ("tags", Type::list(Type::String)),
        ])
    }

    #[test]
    fn structs_become_objects_and_unknowns_unknown() {
        let row = Row {
            name: "a".into(),
            port: 3978,
            cidr: Known::Unknown,
            tags: Known::Value(vec!["x".into()]),
        };
        assert_eq!(
            to_value(&row, &row_type()).unwrap(),
            Value::object([
                ("name", "a".into()),
                ("port", Value::int(3978)),
                ("cidr", Value::Unknown),
                ("tags", Value::List(vec!["x".into()])),
            ])
        );
        let known = Row {
            cidr: Known::Value(None),
            tags: Known::Unknown,
            ..row
        };
        let value = to_value(&known, &row_type()).unwrap();
        assert_eq!(value.get("cidr"), Some(&Value::Null));
        assert_eq!(value.get("tags"), Some(&Value::Unknown));
    }

    #[test]
    fn a_struct_and_its_type_must_agree() {
        let row = Row {
            name: "a".into(),
            port: 1,
            cidr: Known::Value(None),
            tags: Known::Value(Vec::new()),
        };
        let narrower = Type::object([("name", Type::String), ("port", Type::Number)]);
        assert!(to_value(&row, &narrower)
            .unwrap_err()
            .0
            .contains("`Row.cidr` is not in the schema"));
        let wider = match row_type() {
            Type::Object(mut types) => {
                types.insert("extra".into(), Type::Bool);
                Type::Object(types)
            }
            other => other,
        };
        assert!(to_value(&row, &wider).unwrap_err().0.contains("no `extra`"));
        let wrong = Type::object([
            ("name", Type::Number),
            ("port", Type::Number),
            ("cidr", Type::String),
            ("tags", Type::list(Type::String)),
        ]);
        assert!(to_value(&row, &wrong).is_err());
    }

    #[test]
    fn maps_and_sets() {
        let map: BTreeMap<&str, u64> = [("a", u64::MAX)].into_iter().collect();
        assert_eq!(
            to_value(&map, &Type::map(Type::Number)).unwrap(),
            Value::map([("a", Value::Number(Number::Decimal(u64::MAX.to_string())))])
        );
        assert_eq!(
            to_value(&vec![true], &Type::set(Type::Bool)).unwrap(),
            Value::Set(vec![true.into()])
        );
        assert!(to_value(&f64::NAN, &Type::Number).is_err());
    }

    #[test]
    fn a_set_token_stops_the_writer() {
        let cancel = CancelToken::new();
        let rows = vec![1_u16; 3];
        let ty = Type::list(Type::Number);
        assert!(to_value_cancellable(&rows, &ty, &cancel).is_ok());
        cancel.cancel();
        let error = to_value_cancellable(&rows, &ty, &cancel).unwrap_err();
        assert_eq!(error, OutputError::from(Cancelled));
    }
}
