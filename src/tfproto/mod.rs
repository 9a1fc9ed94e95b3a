//! The wire layer: generated protobuf stubs, Terraform's value encoding, schema and
//! diagnostic types. Nothing above this layer touches generated code directly.
//!
//! - [`types`]: type constraints ([`Type`]) and their JSON form;
//! - [`value`], [`number`]: values ([`Value`], [`Number`]) and walks over them;
//! - [`msgpack`], [`json`]: the two value encodings of a `DynamicValue`;
//! - [`path`], [`diagnostic`]: attribute paths and the diagnostics that point at them;
//! - [`schema`]: schemas as plain data, converted to `tfplugin6.Schema`;
//! - [`function`]: function signatures and errors as plain data;
//! - [`error`]: the error values every decoder returns instead of panicking.

/// Stubs generated from `proto/tfplugin6.proto`.
#[allow(clippy::all, missing_docs)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// Stubs generated from `proto/plugin.proto` (go-plugin side services).
#[allow(clippy::all, missing_docs)]
pub mod go_plugin {
    tonic::include_proto!("plugin");
}

/// Stubs generated from `proto/health.proto`.
#[allow(clippy::all, missing_docs)]
pub mod health {
    tonic::include_proto!("grpc.health.v1");
}

pub mod diagnostic;
pub mod error;
pub mod function;
pub mod json;
pub mod msgpack;
mod msgpack_read;
pub mod number;
pub mod path;
pub mod schema;
pub mod types;
pub mod value;
mod walk;

pub use diagnostic::{has_errors, Diagnostic, Severity};
pub use error::{DecodeError, EncodeError, TypeError, MAX_DEPTH};
pub use function::{Function, FunctionError, Parameter};
pub use msgpack::{decode, decode_dynamic_value, encode, to_dynamic_value};
pub use number::Number;
pub use path::{AttributePath, Step};
pub use schema::{Attribute, AttributeType, Block, Nesting, Schema, Usage};
pub use types::Type;
pub use value::Value;

#[cfg(test)]
mod proptests;
