//! Error values of the wire layer. Malformed input is always reported through these,
//! never by panicking.

use std::fmt;

use super::path::AttributePath;

/// How deep values and types may nest before decoding gives up. Terraform
/// configurations are nowhere near this; the limit exists so hostile or corrupt input
/// cannot exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// A type constraint (type JSON) that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    /// What was wrong.
    pub message: String,
}

impl TypeError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid type constraint: {}", self.message)
    }
}

impl std::error::Error for TypeError {}

/// Wire input (msgpack or JSON) that does not decode into a value of the expected type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Where in the value decoding failed (root if the value as a whole is at fault).
    pub path: AttributePath,
    /// What was wrong.
    pub message: String,
}

impl DecodeError {
    pub(crate) fn new(path: &AttributePath, message: impl Into<String>) -> Self {
        Self {
            path: path.clone(),
            message: message.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            write!(f, "cannot decode value: {}", self.message)
        } else {
            write!(f, "cannot decode value at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

/// A value that cannot be encoded as the given type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// Where in the value encoding failed.
    pub path: AttributePath,
    /// What was wrong.
    pub message: String,
}

impl EncodeError {
    pub(crate) fn new(path: &AttributePath, message: impl Into<String>) -> Self {
        Self {
            path: path.clone(),
            message: message.into(),
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            write!(f, "cannot encode value: {}", self.message)
        } else {
            write!(f, "cannot encode value at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for EncodeError {}
