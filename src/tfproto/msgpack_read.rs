//! Reading msgpack against the expected type as the bytes go by.
//!
//! There is no intermediate msgpack tree: each marker is checked against the type
//! expected at its position before anything after it is read, so a value of the wrong
//! type is refused at its first byte, and a length is checked against the bytes that
//! remain before anything is allocated for it (an element takes at least one byte, a
//! map entry two). Memory then grows with the values actually present in the input,
//! never with what a header announces.
//!
//! Markers are classified with `rmp`'s [`Marker`]; the fixed-width fields after them are
//! read here from the byte slice.

use std::collections::BTreeMap;

use rmp::Marker;

use super::error::DecodeError;
use super::number::Number;
use super::path::AttributePath;
use super::types::Type;
use super::value::Value;
use super::walk;

/// Decodes msgpack `bytes` as a value of type `ty`. The whole input must be one value.
pub(super) fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let root = AttributePath::root();
    let mut reader = Reader { rest: bytes };
    let value = reader.value(ty, &root, 0)?;
    if !reader.rest.is_empty() {
        return Err(DecodeError::new(
            &root,
            format!("{} unexpected bytes after the value", reader.rest.len()),
        ));
    }
    Ok(value)
}

/// One msgpack item with its header read: scalars whole, containers as their length
/// (their elements follow in the input).
enum Item<'b> {
    Nil,
    Bool(bool),
    Int(i64),
    /// An unsigned integer beyond `i64`.
    Large(u64),
    Float(f64),
    Str(&'b [u8]),
    Bin(&'b [u8]),
    Array(usize),
    Map(usize),
    /// Any extension: Terraform's unknown value (its payload is skipped).
    Ext,
}

impl Item<'_> {
    fn describe(&self) -> &'static str {
        match self {
            Item::Nil => "nil",
            Item::Bool(_) => "a bool",
            Item::Int(_) | Item::Large(_) => "an integer",
            Item::Float(_) => "a float",
            Item::Str(_) => "a string",
            Item::Bin(_) => "binary data",
            Item::Array(_) => "an array",
            Item::Map(_) => "a map",
            Item::Ext => "an extension",
        }
    }
}

fn mismatch(item: &Item<'_>, ty: &Type, path: &AttributePath) -> DecodeError {
    DecodeError::new(
        path,
        format!(
            "expected a value of type {}, found {}",
            ty.to_json(),
            item.describe()
        ),
    )
}

/// The input not read yet.
struct Reader<'b> {
    rest: &'b [u8],
}

impl<'b> Reader<'b> {
    /// The next `n` bytes, refusing a length beyond the input before using it.
    fn take(&mut self, n: usize, path: &AttributePath) -> Result<&'b [u8], DecodeError> {
        if n > self.rest.len() {
            return Err(DecodeError::new(
                path,
                format!(
                    "malformed msgpack: {n} bytes announced, {} left",
                    self.rest.len()
                ),
            ));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn fixed<const N: usize>(&mut self, path: &AttributePath) -> Result<[u8; N], DecodeError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, path)?);
        Ok(out)
    }

    fn u8(&mut self, path: &AttributePath) -> Result<u8, DecodeError> {
        Ok(self.fixed::<1>(path)?[0])
    }

    fn u16(&mut self, path: &AttributePath) -> Result<u16, DecodeError> {
        self.fixed(path).map(u16::from_be_bytes)
    }

    fn u32(&mut self, path: &AttributePath) -> Result<u32, DecodeError> {
        self.fixed(path).map(u32::from_be_bytes)
    }

    /// A 32-bit length as `usize` (lossless on the 32- and 64-bit targets we build for;
    /// anything else saturates and then fails the remaining-bytes check).
    fn len32(&mut self, path: &AttributePath) -> Result<usize, DecodeError> {
        self.u32(path)
            .map(|len| usize::try_from(len).unwrap_or(usize::MAX))
    }

    /// An element count, checked against the input: each element needs at least
    /// `min_bytes` bytes, so a larger count cannot be honest.
    fn count(
        &mut self,
        len: usize,
        min_bytes: usize,
        path: &AttributePath,
    ) -> Result<usize, DecodeError> {
        if len.saturating_mul(min_bytes) > self.rest.len() {
            return Err(DecodeError::new(
                path,
                format!(
                    "malformed msgpack: {len} elements announced, {} bytes left",
                    self.rest.len()
                ),
            ));
        }
        Ok(len)
    }

    /// Reads the next item's header (and a scalar's body).
    fn item(&mut self, path: &AttributePath) -> Result<Item<'b>, DecodeError> {
        let marker = Marker::from_u8(self.u8(path)?);
        Ok(match marker {
            Marker::Null => Item::Nil,
            Marker::True => Item::Bool(true),
            Marker::False => Item::Bool(false),
            Marker::FixPos(n) => Item::Int(i64::from(n)),
            Marker::FixNeg(n) => Item::Int(i64::from(n)),
            Marker::U8 => Item::Int(i64::from(self.u8(path)?)),
            Marker::U16 => Item::Int(i64::from(self.u16(path)?)),
            Marker::U32 => Item::Int(i64::from(self.u32(path)?)),
            Marker::U64 => {
                let n = u64::from_be_bytes(self.fixed(path)?);
                i64::try_from(n).map_or(Item::Large(n), Item::Int)
            }
            Marker::I8 => Item::Int(i64::from(i8::from_be_bytes(self.fixed(path)?))),
            Marker::I16 => Item::Int(i64::from(i16::from_be_bytes(self.fixed(path)?))),
            Marker::I32 => Item::Int(i64::from(i32::from_be_bytes(self.fixed(path)?))),
            Marker::I64 => Item::Int(i64::from_be_bytes(self.fixed(path)?)),
            Marker::F32 => Item::Float(f64::from(f32::from_be_bytes(self.fixed(path)?))),
            Marker::F64 => Item::Float(f64::from_be_bytes(self.fixed(path)?)),
            Marker::FixStr(n) => Item::Str(self.take(usize::from(n), path)?),
            Marker::Str8 => {
                let n = self.u8(path)?;
                Item::Str(self.take(usize::from(n), path)?)
            }
            Marker::Str16 => {
                let n = self.u16(path)?;
                Item::Str(self.take(usize::from(n), path)?)
            }
            Marker::Str32 => {
                let n = self.len32(path)?;
                Item::Str(self.take(n, path)?)
            }
            Marker::Bin8 => {
                let n = self.u8(path)?;
                Item::Bin(self.take(usize::from(n), path)?)
            }
            Marker::Bin16 => {
                let n = self.u16(path)?;
                Item::Bin(self.take(usize::from(n), path)?)
            }
            Marker::Bin32 => {
                let n = self.len32(path)?;
                Item::Bin(self.take(n, path)?)
            }
            Marker::FixArray(n) => Item::Array(self.count(usize::from(n), 1, path)?),
            Marker::Array16 => {
                let n = self.u16(path)?;
                Item::Array(self.count(usize::from(n), 1, path)?)
            }
            Marker::Array32 => {
                let n = self.len32(path)?;
                Item::Array(self.count(n, 1, path)?)
            }
            Marker::FixMap(n) => Item::Map(self.count(usize::from(n), 2, path)?),
            Marker::Map16 => {
                let n = self.u16(path)?;
                Item::Map(self.count(usize::from(n), 2, path)?)
            }
            Marker::Map32 => {
                let n = self.len32(path)?;
                Item::Map(self.count(n, 2, path)?)
            }
            // Extension: a type byte, then the payload (refinements, which we ignore).
            Marker::FixExt1 => self.ext(1, path)?,
            Marker::FixExt2 => self.ext(2, path)?,
            Marker::FixExt4 => self.ext(4, path)?,
            Marker::FixExt8 => self.ext(8, path)?,
            Marker::FixExt16 => self.ext(16, path)?,
            Marker::Ext8 => {
                let n = self.u8(path)?;
                self.ext(usize::from(n), path)?
            }
            Marker::Ext16 => {
                let n = self.u16(path)?;
                self.ext(usize::from(n), path)?
            }
            Marker::Ext32 => {
                let n = self.len32(path)?;
                self.ext(n, path)?
            }
            Marker::Reserved => {
                return Err(DecodeError::new(
                    path,
                    "malformed msgpack: byte 0xc1 is not a value",
                ))
            }
        })
    }

    fn ext(&mut self, len: usize, path: &AttributePath) -> Result<Item<'b>, DecodeError> {
        // The type byte and the payload.
        self.take(len.saturating_add(1), path)?;
        Ok(Item::Ext)
    }

    /// Reads one value of type `ty`.
    fn value(
        &mut self,
        ty: &Type,
        path: &AttributePath,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        walk::within_depth(depth, path)?;
        let item = self.item(path)?;
        match (ty, item) {
            (_, Item::Nil) => Ok(Value::Null),
            (_, Item::Ext) => Ok(Value::Unknown),
            (Type::String, Item::Str(bytes)) => match std::str::from_utf8(bytes) {
                Ok(text) => Ok(Value::String(text.to_owned())),
                Err(_) => Err(DecodeError::new(path, "string is not valid UTF-8")),
            },
            (Type::Number, item) => number(&item, path),
            (Type::Bool, Item::Bool(flag)) => Ok(Value::Bool(flag)),
            (Type::List(element) | Type::Set(element), Item::Array(len)) => {
                let mut items = Vec::with_capacity(len);
                for index in 0..len {
                    items.push(self.value(element, &at_index(path, index), depth + 1)?);
                }
                Ok(match ty {
                    Type::Set(_) => Value::Set(items),
                    _ => Value::List(items),
                })
            }
            (Type::Tuple(types), Item::Array(len)) => {
                if types.len() != len {
                    return Err(DecodeError::new(
                        path,
                        format!(
                            "a tuple of {} elements cannot hold {len} values",
                            types.len()
                        ),
                    ));
                }
                let mut items = Vec::with_capacity(len);
                for (index, element) in types.iter().enumerate() {
                    items.push(self.value(element, &at_index(path, index), depth + 1)?);
                }
                Ok(Value::Tuple(items))
            }
            (Type::Map(element), Item::Map(len)) => {
                let mut entries = BTreeMap::new();
                for _ in 0..len {
                    let key = self.key(&entries, path)?;
                    let item = self.value(element, &path.clone().key(key.as_str()), depth + 1)?;
                    entries.insert(key, item);
                }
                Ok(Value::Map(entries))
            }
            (Type::Object(attributes), Item::Map(len)) => {
                let mut fields = BTreeMap::new();
                for _ in 0..len {
                    let name = self.key(&fields, path)?;
                    let at = path.clone().attr(name.as_str());
                    let Some(attribute) = attributes.get(&name) else {
                        return Err(DecodeError::new(&at, "unsupported attribute"));
                    };
                    let item = self.value(attribute, &at, depth + 1)?;
                    fields.insert(name, item);
                }
                // Absent attributes are null.
                for name in attributes.keys() {
                    if !fields.contains_key(name) {
                        fields.insert(name.clone(), Value::Null);
                    }
                }
                Ok(Value::Object(fields))
            }
            (Type::Dynamic, Item::Array(len)) => self.dynamic(len, path, depth),
            (ty, item) => Err(mismatch(&item, ty, path)),
        }
    }

    /// A map key: a UTF-8 string not seen before in this map.
    fn key(
        &mut self,
        seen: &BTreeMap<String, Value>,
        path: &AttributePath,
    ) -> Result<String, DecodeError> {
        let Item::Str(bytes) = self.item(path)? else {
            return Err(DecodeError::new(path, "map keys must be UTF-8 strings"));
        };
        let Ok(key) = std::str::from_utf8(bytes) else {
            return Err(DecodeError::new(path, "map keys must be UTF-8 strings"));
        };
        if seen.contains_key(key) {
            return Err(DecodeError::new(
                path,
                format!("key {key:?} appears more than once"),
            ));
        }
        Ok(key.to_owned())
    }

    /// A value at a `dynamic` position: `[type JSON, value]`, the value read at that type.
    fn dynamic(
        &mut self,
        len: usize,
        path: &AttributePath,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        if len != 2 {
            return Err(DecodeError::new(
                path,
                "a dynamic value must be a [type, value] pair",
            ));
        }
        let type_json = match self.item(path)? {
            Item::Bin(bytes) | Item::Str(bytes) => bytes,
            other => {
                return Err(DecodeError::new(
                    path,
                    format!(
                        "a dynamic value's type must be JSON text, found {}",
                        other.describe()
                    ),
                ))
            }
        };
        let concrete = walk::concrete_type(Type::from_json_bytes(type_json), path)?;
        let value = self.value(&concrete, path, depth + 1)?;
        Ok(Value::Dynamic(concrete, Box::new(value)))
    }
}

fn at_index(path: &AttributePath, index: usize) -> AttributePath {
    path.clone().index(i64::try_from(index).unwrap_or(i64::MAX))
}

fn number(item: &Item<'_>, path: &AttributePath) -> Result<Value, DecodeError> {
    match item {
        Item::Int(int) => Ok(Value::int(*int)),
        Item::Large(large) => Ok(Value::Number(Number::Decimal(large.to_string()))),
        Item::Float(float) if float.is_nan() => Err(DecodeError::new(
            path,
            "NaN is not a number Terraform can hold",
        )),
        Item::Float(float) => Ok(Value::Number(Number::Float(*float))),
        Item::Str(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => Number::from_decimal_text(text)
                .map(Value::Number)
                .map_err(|message| DecodeError::new(path, message)),
            Err(_) => Err(DecodeError::new(path, "number text is not valid UTF-8")),
        },
        other => Err(mismatch(other, &Type::Number, path)),
    }
}
