//! The engine's outputs written straight to Terraform's msgpack from their serde form,
//! without building a [`Value`](crate::tfproto::Value) tree first.
//!
//! The bytes are exactly those [`output::to_value`](super::output::to_value) followed by
//! [`msgpack::encode`](crate::tfproto::msgpack::encode) give (tests hold the two paths
//! equal): numbers in their shortest form, objects as maps with every attribute of the
//! type in sorted name order (the order cty's msgpack decoder expects), unknowns as the
//! plain extension `d4 00 00`.
//!
//! Serde hands a struct's fields over in declaration order, so an object's values are
//! written as they come and then moved into name order (a copy of the object's own
//! bytes, small for a flow or a rule). The outermost object, which holds everything, is
//! never moved: [`write_attribute`] writes one of its attributes at a time, in the order
//! the caller chooses. A [`Counter`] measures what a write would produce without keeping
//! it, so a response too large to send is known before it is built.
//!
//! A large output takes a while to write, so the writer checks a [`CancelToken`] at every
//! element of a list, set or map.

use std::io;

use rmp::encode as mp;
use serde::ser::{self, Impossible, Serialize};

use crate::flows::known::UNKNOWN;
use crate::flows::CancelToken;
use crate::tfproto::number::float_to_i64;
use crate::tfproto::Type;

use super::output::{self, OutputError};

/// Where a write goes: a [`Buffer`] keeping the bytes, or a [`Counter`] measuring them.
pub trait Sink: io::Write {
    /// Bytes written so far.
    fn position(&self) -> usize;

    /// Rewrites the values written since `base` as a msgpack map of `entries` (key and
    /// the span of its value, both offsets absolute), in the order given.
    fn map_from(&mut self, base: usize, entries: &[(&str, usize, usize)]) -> io::Result<()>;
}

/// msgpack bytes being written.
#[derive(Debug, Default)]
pub struct Buffer {
    bytes: Vec<u8>,
    /// Reused room for the object being put in order.
    scratch: Vec<u8>,
}

impl Buffer {
    /// An empty buffer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Buffer {
            bytes: Vec::with_capacity(capacity),
            scratch: Vec::new(),
        }
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sink for Buffer {
    fn position(&self) -> usize {
        self.bytes.len()
    }

    fn map_from(&mut self, base: usize, entries: &[(&str, usize, usize)]) -> io::Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.extend_from_slice(&self.bytes[base..]);
        self.bytes.truncate(base);
        let result = write_map(self, base, entries, &scratch);
        self.scratch = scratch;
        result
    }
}

/// Writes `entries` as a map, their values taken from `values` (which starts at `base`).
fn write_map(
    buffer: &mut Buffer,
    base: usize,
    entries: &[(&str, usize, usize)],
    values: &[u8],
) -> io::Result<()> {
    mp::write_map_len(buffer, map_len(entries.len())?)?;
    for &(key, start, end) in entries {
        mp::write_str(buffer, key)?;
        let value = values
            .get(start - base..end - base)
            .ok_or_else(|| io::Error::other("a value span outside the object"))?;
        buffer.bytes.extend_from_slice(value);
    }
    Ok(())
}

fn map_len(len: usize) -> io::Result<u32> {
    u32::try_from(len).map_err(|_| io::Error::other("more entries than msgpack can count"))
}

/// Measures a write: the bytes it would produce, none kept.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sink for Counter {
    fn position(&self) -> usize {
        self.0
    }

    fn map_from(&mut self, _: usize, entries: &[(&str, usize, usize)]) -> io::Result<()> {
        // Order does not change a length: only the header and the keys are added.
        mp::write_map_len(self, map_len(entries.len())?)?;
        for &(key, _, _) in entries {
            mp::write_str(self, key)?;
        }
        Ok(())
    }
}

/// What the writer may meet besides plain values.
#[derive(Debug, Clone, Copy)]
pub struct Options<'c> {
    /// Checked at every element of a list, set or map.
    pub cancel: &'c CancelToken,
    /// Whether an unknown may be written (a function result at plan time), or is an error
    /// (a data source's state, which Terraform takes only wholly known).
    pub unknowns: bool,
}

/// Writes `output` at type `ty` (the rules of [`output::to_value`]).
pub fn write<T: Serialize + ?Sized, S: Sink>(
    sink: &mut S,
    output: &T,
    ty: &Type,
    options: Options<'_>,
) -> Result<(), OutputError> {
    output.serialize(Writer { sink, ty, options })
}

/// Writes attribute `name` of the struct `output` at type `ty`, and nothing else: the
/// outermost object is written one attribute at a time, so its bytes are never moved.
pub fn write_attribute<T: Serialize + ?Sized, S: Sink>(
    sink: &mut S,
    output: &T,
    name: &str,
    ty: &Type,
    options: Options<'_>,
) -> Result<(), OutputError> {
    output.serialize(Picker {
        writer: Writer { sink, ty, options },
        name,
    })
}

/// Writes a map header for `len` entries (the outermost object's, written by the caller).
pub fn write_map_header<S: Sink>(sink: &mut S, len: usize) -> Result<(), OutputError> {
    let len = map_len(len).map_err(io_error)?;
    mp::write_map_len(sink, len).map_err(io_error)?;
    Ok(())
}

/// Writes a string (an attribute name of the outermost object).
pub fn write_key<S: Sink>(sink: &mut S, key: &str) -> Result<(), OutputError> {
    mp::write_str(sink, key).map_err(io_error)
}

fn io_error<E: std::fmt::Display>(error: E) -> OutputError {
    OutputError(format!("msgpack writer failed: {error}"))
}

/// Writes one value at type `ty`.
struct Writer<'w, S> {
    sink: &'w mut S,
    ty: &'w Type,
    options: Options<'w>,
}

impl<S: Sink> Writer<'_, S> {
    /// Fails unless `ty` is the type a value needs.
    fn expect(&self, needs: &Type) -> Result<(), OutputError> {
        if self.ty == needs {
            Ok(())
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

    fn int(self, int: i64) -> Result<(), OutputError> {
        self.expect(&Type::Number)?;
        mp::write_sint(self.sink, int).map_err(io_error)?;
        Ok(())
    }

    fn str(self, text: &str) -> Result<(), OutputError> {
        self.expect(&Type::String)?;
        mp::write_str(self.sink, text).map_err(io_error)
    }
}

impl<'w, S: Sink> ser::Serializer for Writer<'w, S> {
    type Ok = ();
    type Error = OutputError;
    type SerializeSeq = Sequence<'w, S>;
    type SerializeTuple = Impossible<(), OutputError>;
    type SerializeTupleStruct = Impossible<(), OutputError>;
    type SerializeTupleVariant = Impossible<(), OutputError>;
    type SerializeMap = Entries<'w, S>;
    type SerializeStruct = Attributes<'w, S>;
    type SerializeStructVariant = Impossible<(), OutputError>;

    fn serialize_bool(self, v: bool) -> Result<(), OutputError> {
        self.expect(&Type::Bool)?;
        mp::write_bool(self.sink, v).map_err(io_error)
    }

    fn serialize_i8(self, v: i8) -> Result<(), OutputError> {
        self.int(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<(), OutputError> {
        self.int(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<(), OutputError> {
        self.int(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<(), OutputError> {
        self.int(v)
    }

    fn serialize_u8(self, v: u8) -> Result<(), OutputError> {
        self.int(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<(), OutputError> {
        self.int(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<(), OutputError> {
        self.int(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<(), OutputError> {
        match i64::try_from(v) {
            Ok(int) => self.int(int),
            // Beyond i64 a number travels as decimal text, as Number::Decimal does.
            Err(_) => {
                self.expect(&Type::Number)?;
                mp::write_str(self.sink, &v.to_string()).map_err(io_error)
            }
        }
    }

    fn serialize_f32(self, v: f32) -> Result<(), OutputError> {
        self.serialize_f64(v.into())
    }

    fn serialize_f64(self, v: f64) -> Result<(), OutputError> {
        if !v.is_finite() {
            return Err(OutputError(format!(
                "{v} is not a number Terraform can hold"
            )));
        }
        match float_to_i64(v) {
            Some(int) => self.int(int),
            None => {
                self.expect(&Type::Number)?;
                mp::write_f64(self.sink, v).map_err(io_error)
            }
        }
    }

    fn serialize_char(self, v: char) -> Result<(), OutputError> {
        self.str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), OutputError> {
        self.str(v)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), OutputError> {
        Err(self.mismatch("byte string"))
    }

    fn serialize_none(self) -> Result<(), OutputError> {
        mp::write_nil(self.sink).map_err(io_error)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), OutputError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), OutputError> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), OutputError> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), OutputError> {
        self.str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), OutputError> {
        if name != UNKNOWN {
            return value.serialize(self);
        }
        if !self.options.unknowns {
            return Err(OutputError("an output is not known yet".into()));
        }
        // The plain unknown: extension type 0 with a one-byte zero payload.
        mp::write_ext_meta(self.sink, 1, 0).map_err(io_error)?;
        io::Write::write_all(self.sink, &[0]).map_err(io_error)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result<(), OutputError> {
        Err(self.mismatch(&format!("enum variant `{variant}`")))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Sequence<'w, S>, OutputError> {
        let element = match self.ty {
            Type::List(element) | Type::Set(element) => element.as_ref(),
            _ => return Err(self.mismatch("sequence")),
        };
        // The header comes first, so the length must be known (every Vec knows it).
        let len = len.ok_or_else(|| OutputError("a sequence of unknown length".into()))?;
        let header = u32::try_from(len).map_err(io_error)?;
        mp::write_array_len(self.sink, header).map_err(io_error)?;
        Ok(Sequence {
            sink: self.sink,
            element,
            options: self.options,
            left: len,
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

    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'w, S>, OutputError> {
        match self.ty {
            Type::Map(element) => Ok(Entries {
                base: self.sink.position(),
                sink: self.sink,
                element,
                options: self.options,
                entries: Vec::new(),
                key: None,
            }),
            _ => Err(self.mismatch("map")),
        }
    }

    fn serialize_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Attributes<'w, S>, OutputError> {
        match self.ty {
            Type::Object(types) => Ok(Attributes {
                base: self.sink.position(),
                sink: self.sink,
                name,
                types,
                options: self.options,
                fields: Vec::with_capacity(types.len()),
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

/// The elements of a list or set, written as they come after the array header.
struct Sequence<'w, S> {
    sink: &'w mut S,
    element: &'w Type,
    options: Options<'w>,
    /// Elements the header announced and not yet written.
    left: usize,
}

impl<S: Sink> ser::SerializeSeq for Sequence<'_, S> {
    type Ok = ();
    type Error = OutputError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutputError> {
        self.options.cancel.check()?;
        self.left = self
            .left
            .checked_sub(1)
            .ok_or_else(|| OutputError("a sequence longer than it said".into()))?;
        write(&mut *self.sink, value, self.element, self.options)
    }

    fn end(self) -> Result<(), OutputError> {
        match self.left {
            0 => Ok(()),
            _ => Err(OutputError("a sequence shorter than it said".into())),
        }
    }
}

/// The entries of a map (string keys), put in key order at the end.
struct Entries<'w, S> {
    sink: &'w mut S,
    base: usize,
    element: &'w Type,
    options: Options<'w>,
    entries: Vec<(String, usize, usize)>,
    key: Option<String>,
}

impl<S: Sink> ser::SerializeMap for Entries<'_, S> {
    type Ok = ();
    type Error = OutputError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), OutputError> {
        match output::to_value(key, &Type::String)? {
            crate::tfproto::Value::String(key) => {
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
        self.options.cancel.check()?;
        let start = self.sink.position();
        write(&mut *self.sink, value, self.element, self.options)?;
        self.entries.push((key, start, self.sink.position()));
        Ok(())
    }

    fn end(mut self) -> Result<(), OutputError> {
        // As a BTreeMap would hold them: sorted by key, the last of equal keys kept.
        self.entries.reverse();
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        self.entries.dedup_by(|later, first| later.0 == first.0);
        let entries: Vec<(&str, usize, usize)> = self
            .entries
            .iter()
            .map(|(key, start, end)| (key.as_str(), *start, *end))
            .collect();
        self.sink.map_from(self.base, &entries).map_err(io_error)
    }
}

/// The attributes of an object: exactly those of its type, put in name order at the end.
struct Attributes<'w, S> {
    sink: &'w mut S,
    base: usize,
    name: &'static str,
    types: &'w std::collections::BTreeMap<String, Type>,
    options: Options<'w>,
    /// Each attribute written: its name and the span of its value.
    fields: Vec<(&'static str, usize, usize)>,
}

impl<S: Sink> ser::SerializeStruct for Attributes<'_, S> {
    type Ok = ();
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
        let start = self.sink.position();
        write(&mut *self.sink, value, ty, self.options)
            .map_err(|OutputError(why)| OutputError(format!("`{}.{name}`: {why}", self.name)))?;
        self.fields.push((name, start, self.sink.position()));
        Ok(())
    }

    fn end(self) -> Result<(), OutputError> {
        let mut ordered = Vec::with_capacity(self.types.len());
        for name in self.types.keys() {
            let Some(&(_, start, end)) = self.fields.iter().find(|(field, ..)| field == name)
            else {
                return Err(OutputError(format!(
                    "`{}` has no `{name}`, which the schema has",
                    self.name
                )));
            };
            ordered.push((name.as_str(), start, end));
        }
        self.sink.map_from(self.base, &ordered).map_err(io_error)
    }
}

/// Serializes one attribute of a struct and skips the others.
struct Picker<'w, 'n, S> {
    writer: Writer<'w, S>,
    name: &'n str,
}

/// The fields of the struct a [`Picker`] looks into.
struct Picked<'w, 'n, S> {
    writer: Option<Writer<'w, S>>,
    name: &'n str,
}

impl<S: Sink> ser::SerializeStruct for Picked<'_, '_, S> {
    type Ok = ();
    type Error = OutputError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), OutputError> {
        if name != self.name {
            return Ok(());
        }
        match self.writer.take() {
            Some(writer) => value
                .serialize(writer)
                .map_err(|OutputError(why)| OutputError(format!("`{name}`: {why}"))),
            None => Err(OutputError(format!("`{name}` came twice"))),
        }
    }

    fn end(self) -> Result<(), OutputError> {
        match self.writer {
            None => Ok(()),
            Some(_) => Err(OutputError(format!("no attribute `{}`", self.name))),
        }
    }
}

/// Everything but a struct is refused by a [`Picker`].
macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, OutputError> {
            Err(OutputError(format!("only a struct has attribute `{}`", self.name)))
        })*
    };
}

impl<'w, 'n, S: Sink> ser::Serializer for Picker<'w, 'n, S> {
    type Ok = ();
    type Error = OutputError;
    type SerializeSeq = Impossible<(), OutputError>;
    type SerializeTuple = Impossible<(), OutputError>;
    type SerializeTupleStruct = Impossible<(), OutputError>;
    type SerializeTupleVariant = Impossible<(), OutputError>;
    type SerializeMap = Impossible<(), OutputError>;
    type SerializeStruct = Picked<'w, 'n, S>;
    type SerializeStructVariant = Impossible<(), OutputError>;

    not_a_struct! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), OutputError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), OutputError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), OutputError> {
        Err(OutputError(format!(
            "only a struct has attribute `{}`",
            self.name
        )))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Picked<'w, 'n, S>, OutputError> {
        Ok(Picked {
            writer: Some(self.writer),
            name: self.name,
        })
    }
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
