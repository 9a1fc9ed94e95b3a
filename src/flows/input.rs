//! The estate as written, before anything is checked: a plain tree of values that every
//! entry point can build (the provider from Terraform's values, a command line from JSON
//! or YAML), so that one reader ([`crate::flows::read`]) checks them all alike.
//!
//! It keeps what a strict reader needs and a serde model would lose: the kind of every
//! value as written (a version written as a number, a port written as a string), nulls,
//! values not known yet, and attribute names that are not in the model.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value as Json;

/// One value of the estate as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// `null`, or an attribute given no value.
    Null,
    /// A value not known yet (Terraform knows it only after apply).
    Unknown,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list, tuple or set.
    List(Vec<Input>),
    /// A map or object: string keys to values.
    Map(BTreeMap<String, Input>),
}

/// A number as decimal text (`443`, `10.1`, `1e3`), so it can be echoed as received and
/// read at any precision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

impl Number {
    /// A number from its decimal text, if the text is one (`-12`, `0.5`, `1e3`).
    pub fn parse(text: &str) -> Option<Number> {
        let plain = text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
        (plain && text.parse::<f64>().is_ok()).then(|| Number(text.to_owned()))
    }

    /// A number from decimal text that its source already checked (Terraform's wire
    /// format); [`Number::to_f64`] still says whether it is usable.
    pub fn from_text(text: impl Into<String>) -> Number {
        Number(text.into())
    }

    /// A whole number.
    pub fn int(int: i64) -> Number {
        Number(int.to_string())
    }

    /// The decimal text.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// The nearest binary float, if it is finite.
    pub fn to_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|f| f.is_finite())
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Input {
    /// A map from `(key, value)` pairs.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Input)>) -> Input {
        Input::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// What kind of value this is, in words, for diagnostics: `a list`, `a string`...
    pub fn kind(&self) -> &'static str {
        match self {
            Input::Null => "null",
            Input::Unknown => "a value not known yet",
            Input::Bool(_) => "a bool",
            Input::Number(_) => "a number",
            Input::String(_) => "a string",
            Input::List(_) => "a list",
            Input::Map(_) => "a map or object",
        }
    }

    /// True if no `Unknown` appears anywhere in the value.
    pub fn is_known(&self) -> bool {
        match self {
            Input::Unknown => false,
            Input::List(items) => items.iter().all(Input::is_known),
            Input::Map(entries) => entries.values().all(Input::is_known),
            _ => true,
        }
    }
}

impl From<&Json> for Input {
    /// The JSON value as written (JSON has no unknown values).
    fn from(json: &Json) -> Self {
        match json {
            Json::Null => Input::Null,
            Json::Bool(flag) => Input::Bool(*flag),
            Json::Number(number) => Input::Number(Number(number.to_string())),
            Json::String(text) => Input::String(text.clone()),
            Json::Array(items) => Input::List(items.iter().map(Input::from).collect()),
            Json::Object(entries) => Input::Map(
                entries
                    .iter()
                    .map(|(key, value)| (key.clone(), Input::from(value)))
                    .collect(),
            ),
        }
    }
}

impl From<Json> for Input {
    fn from(json: Json) -> Self {
        Input::from(&json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_keeps_kinds_as_written() {
        let input = Input::from(json!({ "v": 10.1, "s": "10.10", "l": [null, true], "m": {} }));
        let Input::Map(entries) = input else {
            panic!("a map")
        };
        assert_eq!(entries["v"], Input::Number(Number("10.1".into())));
        assert_eq!(entries["s"], Input::String("10.10".into()));
        assert_eq!(
            entries["l"],
            Input::List(vec![Input::Null, Input::Bool(true)])
        );
        assert_eq!(entries["m"], Input::Map(BTreeMap::new()));
    }

    #[test]
    fn numbers_are_decimal_text() {
        assert_eq!(Number::parse("443").and_then(|n| n.to_f64()), Some(443.0));
        assert_eq!(
            Number::parse("10.10").map(|n| n.text().to_owned()),
            Some("10.10".into())
        );
        for bad in ["", "ten", "0x10", " 1", "inf", "NaN", "1_000"] {
            assert_eq!(Number::parse(bad), None, "{bad}");
        }
        assert_eq!(Number::parse("1e999").and_then(|n| n.to_f64()), None);
        assert_eq!(Number::int(-3).to_string(), "-3");
    }

    #[test]
    fn knows_where_unknowns_are() {
        assert!(Input::map([("a", Input::List(vec![Input::Null]))]).is_known());
        assert!(!Input::map([("a", Input::List(vec![Input::Unknown]))]).is_known());
    }
}
