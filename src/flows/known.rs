//! Outputs that may be known only after apply.
//!
//! Terraform plans with some values unknown: an ENI's address created in the same plan is
//! "(known after apply)". The function `flow_matrix` still plans when only addresses are
//! unknown (see [`crate::flows::compute_input`]), and the outputs that depend on an
//! unknown address say so with [`Known::Unknown`] instead of a placeholder value.
//!
//! As JSON an unknown cannot be written: serialising one with `serde_json` is an error,
//! never a made-up value. A serializer that can hold unknowns (the provider's, which
//! writes Terraform values) recognises the newtype struct named [`UNKNOWN`].

use std::fmt;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Error as _, Serialize, Serializer};

/// Name of the newtype struct an unknown value serialises as; a serializer that can write
/// unknown values matches it and does not look inside.
pub const UNKNOWN: &str = "$panorama_provider::flows::known::Unknown";

/// A value, or the fact that it is known only after apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Known<T> {
    /// The value.
    Value(T),
    /// Known only after apply.
    Unknown,
}

impl<T> Known<T> {
    /// The value, when known.
    pub fn value(&self) -> Option<&T> {
        match self {
            Known::Value(value) => Some(value),
            Known::Unknown => None,
        }
    }

    /// The value, when known.
    pub fn into_value(self) -> Option<T> {
        match self {
            Known::Value(value) => Some(value),
            Known::Unknown => None,
        }
    }

    /// Whether the value is known.
    pub fn is_known(&self) -> bool {
        matches!(self, Known::Value(_))
    }

    /// The value changed by `f`; unknown stays unknown.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Known<U> {
        match self {
            Known::Value(value) => Known::Value(f(value)),
            Known::Unknown => Known::Unknown,
        }
    }

    /// Every value known, or unknown as soon as one is.
    pub fn all(items: impl IntoIterator<Item = Known<T>>) -> Known<Vec<T>> {
        items
            .into_iter()
            .map(Known::into_value)
            .collect::<Option<Vec<T>>>()
            .map_or(Known::Unknown, Known::Value)
    }
}

impl<T: Default> Default for Known<T> {
    fn default() -> Self {
        Known::Value(T::default())
    }
}

impl<T> From<T> for Known<T> {
    fn from(value: T) -> Self {
        Known::Value(value)
    }
}

/// The inside of a serialised unknown: whoever looks inside cannot hold unknowns.
struct NotKnown;

impl Serialize for NotKnown {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom(
            "a value known only after apply cannot be written here",
        ))
    }
}

impl<T: Serialize> Serialize for Known<T> {
    /// A known value as itself; an unknown as the newtype struct [`UNKNOWN`].
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Known::Value(value) => value.serialize(serializer),
            Known::Unknown => serializer.serialize_newtype_struct(UNKNOWN, &NotKnown),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Known<T> {
    /// Always a known value: nothing written holds unknowns.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Known::Value)
    }
}

impl<T: fmt::Display> fmt::Display for Known<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Known::Value(value) => value.fmt(f),
            Known::Unknown => f.write_str("(known after apply)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_serialise_as_themselves() {
        let known: Known<Vec<&str>> = Known::Value(vec!["10.0.0.0/8"]);
        assert_eq!(serde_json::to_string(&known).unwrap(), r#"["10.0.0.0/8"]"#);
        let back: Known<Vec<String>> = serde_json::from_str(r#"["a"]"#).unwrap();
        assert_eq!(back, Known::Value(vec!["a".to_owned()]));
    }

    #[test]
    fn unknowns_refuse_to_become_json() {
        let unknown: Known<String> = Known::Unknown;
        let error = serde_json::to_string(&unknown).unwrap_err();
        assert!(
            error.to_string().contains("known only after apply"),
            "{error}"
        );
    }

    #[test]
    fn all_is_unknown_as_soon_as_one_is() {
        assert_eq!(
            Known::all([Known::Value(1), Known::Value(2)]),
            Known::Value(vec![1, 2])
        );
        assert_eq!(
            Known::all([Known::Value(1), Known::Unknown]),
            Known::Unknown
        );
        assert_eq!(Known::<u8>::default(), Known::Value(0));
        assert_eq!(Known::<u8>::Unknown.to_string(), "(known after apply)");
    }
}
