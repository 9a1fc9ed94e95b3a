//! Terraform values as plain Rust data, and the walks over them that the provider needs
//! (is it fully known, where are the unknowns, placeholder values).
//!
//! A [`Value`] does not carry its own type except at `dynamic` positions: the codec
//! functions take the [`Type`] alongside.

use std::collections::BTreeMap;

use super::number::Number;
use super::path::AttributePath;
use super::types::Type;

/// A Terraform value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// null, of any type.
    Null,
    /// A value not known until apply, of any type.
    Unknown,
    /// A bool.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// The elements of a list.
    List(Vec<Value>),
    /// The elements of a set, in the order they were received.
    Set(Vec<Value>),
    /// The entries of a map.
    Map(BTreeMap<String, Value>),
    /// The attributes of an object.
    Object(BTreeMap<String, Value>),
    /// The elements of a tuple.
    Tuple(Vec<Value>),
    /// A value at a `dynamic` position together with its concrete type, which is
    /// never `Dynamic` itself. This mirrors the wire: Terraform sends `[type, value]`
    /// for a value whose type it knows (including a null or unknown of that type, which
    /// becomes `Dynamic(ty, Null)` / `Dynamic(ty, Unknown)`), and sends a bare null or
    /// unknown, decoded as plain [`Value::Null`] / [`Value::Unknown`], when not even the
    /// type is known. [`Value::is_null`], [`Value::is_unknown`] and the accessors look
    /// through the wrapper.
    Dynamic(Type, Box<Value>),
}

impl Value {
    /// A string value.
    pub fn string(text: impl Into<String>) -> Value {
        Value::String(text.into())
    }

    /// A whole-number value.
    pub fn int(int: i64) -> Value {
        Value::Number(Number::Int(int))
    }

    /// An object value from `(name, value)` pairs.
    pub fn object<N: Into<String>>(attributes: impl IntoIterator<Item = (N, Value)>) -> Value {
        Value::Object(
            attributes
                .into_iter()
                .map(|(name, value)| (name.into(), value))
                .collect(),
        )
    }

    /// A map value from `(key, value)` pairs.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(key, value)| (key.into(), value))
                .collect(),
        )
    }

    /// True for `Null`, typed (`Dynamic(_, Null)`) or not.
    pub fn is_null(&self) -> bool {
        matches!(self.concrete(), Value::Null)
    }

    /// True for `Unknown`, typed or not (only at the top; see [`Value::is_known`] for a
    /// deep check).
    pub fn is_unknown(&self) -> bool {
        matches!(self.concrete(), Value::Unknown)
    }

    /// The value itself, or the inner value of a `Dynamic`.
    pub fn concrete(&self) -> &Value {
        match self {
            Value::Dynamic(_, inner) => inner,
            other => other,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self.concrete() {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The bool of a bool value.
    pub fn as_bool(&self) -> Option<bool> {
        match self.concrete() {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    /// The number of a number value.
    pub fn as_number(&self) -> Option<&Number> {
        match self.concrete() {
            Value::Number(number) => Some(number),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self.concrete() {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a map or the attributes of an object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self.concrete() {
            Value::Map(entries) | Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// An attribute of an object value (`None` if this is not an object or the
    /// attribute is absent).
    pub fn get(&self, attribute: &str) -> Option<&Value> {
        match self.concrete() {
            Value::Object(attributes) => attributes.get(attribute),
            _ => None,
        }
    }

    /// True if no `Unknown` appears anywhere in the value.
    pub fn is_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(Value::is_known)
            }
            Value::Map(entries) | Value::Object(entries) => entries.values().all(Value::is_known),
            Value::Dynamic(_, inner) => inner.is_known(),
        }
    }

    /// The path of every `Unknown` in the value, outermost first. Set elements have no
    /// path of their own, so a set holding any unknown is reported once, at the set.
    pub fn unknown_paths(&self) -> Vec<AttributePath> {
        let mut found = Vec::new();
        self.collect_unknown_paths(&AttributePath::root(), &mut found);
        found
    }

    fn collect_unknown_paths(&self, here: &AttributePath, found: &mut Vec<AttributePath>) {
        match self {
            Value::Unknown => found.push(here.clone()),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
            Value::Set(items) => {
                if !items.iter().all(Value::is_known) {
                    found.push(here.clone());
                }
            }
            Value::List(items) | Value::Tuple(items) => {
                for (index, item) in (0_i64..).zip(items) {
                    item.collect_unknown_paths(&here.clone().index(index), found);
                }
            }
            Value::Map(entries) => {
                for (key, item) in entries {
                    item.collect_unknown_paths(&here.clone().key(key.as_str()), found);
                }
            }
            Value::Object(attributes) => {
                for (name, item) in attributes {
                    item.collect_unknown_paths(&here.clone().attr(name.as_str()), found);
                }
            }
            Value::Dynamic(_, inner) => inner.collect_unknown_paths(here, found),
        }
    }

    /// A known placeholder of type `ty`: `""`, `0`, `false`, empty collections, an
    /// object or tuple of placeholders, and `Null` for `dynamic` (which has no type to
    /// make a placeholder of).
    pub fn zero(ty: &Type) -> Value {
        match ty {
            Type::String => Value::String(String::new()),
            Type::Number => Value::int(0),
            Type::Bool => Value::Bool(false),
            Type::Dynamic => Value::Null,
            Type::List(_) => Value::List(Vec::new()),
            Type::Set(_) => Value::Set(Vec::new()),
            Type::Map(_) => Value::Map(BTreeMap::new()),
            Type::Object(attributes) => Value::Object(
                attributes
                    .iter()
                    .map(|(name, ty)| (name.clone(), Value::zero(ty)))
                    .collect(),
            ),
            Type::Tuple(elements) => Value::Tuple(elements.iter().map(Value::zero).collect()),
        }
    }

    /// A copy with every `Unknown` replaced by [`Value::zero`] of the type at its
    /// position, so checks can run on the known parts of a partly unknown
    /// configuration. Parts of the value that do not match `ty` are copied unchanged.
    pub fn replace_unknowns_with_zero(&self, ty: &Type) -> Value {
        match (self, ty) {
            (Value::Unknown, ty) => Value::zero(ty),
            (Value::List(items), Type::List(element)) => Value::List(
                items
                    .iter()
                    .map(|item| item.replace_unknowns_with_zero(element))
                    .collect(),
            ),
            (Value::Set(items), Type::Set(element)) => Value::Set(
                items
                    .iter()
                    .map(|item| item.replace_unknowns_with_zero(element))
                    .collect(),
            ),
            (Value::Map(entries), Type::Map(element)) => Value::Map(
                entries
                    .iter()
                    .map(|(key, item)| (key.clone(), item.replace_unknowns_with_zero(element)))
                    .collect(),
            ),
            (Value::Object(values), Type::Object(types)) => Value::Object(
                values
                    .iter()
                    .map(|(name, item)| {
                        let replaced = match types.get(name) {
                            Some(ty) => item.replace_unknowns_with_zero(ty),
                            None => item.clone(),
                        };
                        (name.clone(), replaced)
                    })
                    .collect(),
            ),
            (Value::Tuple(items), Type::Tuple(types)) => Value::Tuple(
                items
                    .iter()
                    .enumerate()
                    .map(|(position, item)| match types.get(position) {
                        Some(ty) => item.replace_unknowns_with_zero(ty),
                        None => item.clone(),
                    })
                    .collect(),
            ),
            (Value::Dynamic(concrete, inner), _) => Value::Dynamic(
                concrete.clone(),
                Box::new(inner.replace_unknowns_with_zero(concrete)),
            ),
            (other, _) => other.clone(),
        }
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Bool(flag)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::String(text)
    }
}

impl From<Number> for Value {
    fn from(number: Number) -> Self {
        Value::Number(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_type() -> Type {
        Type::object([
            ("name", Type::String),
            ("tags", Type::map(Type::String)),
            ("ports", Type::list(Type::Number)),
            ("zones", Type::set(Type::String)),
            ("pair", Type::Tuple(vec![Type::Bool, Type::Number])),
            ("extra", Type::Dynamic),
        ])
    }

    fn sample_value() -> Value {
        Value::object([
            ("name", Value::Unknown),
            (
                "tags",
                Value::map([("env", Value::Unknown), ("team", "net".into())]),
            ),
            (
                "ports",
                Value::List(vec![Value::int(22), Value::Unknown, Value::int(443)]),
            ),
            ("zones", Value::Set(vec!["a".into(), Value::Unknown])),
            ("pair", Value::Tuple(vec![Value::Unknown, Value::int(1)])),
            (
                "extra",
                Value::Dynamic(
                    Type::object([("x", Type::String)]),
                    Box::new(Value::object([("x", Value::Unknown)])),
                ),
            ),
        ])
    }

    #[test]
    fn finds_unknown_paths() {
        let value = sample_value();
        assert!(!value.is_known());
        let paths: Vec<String> = value
            .unknown_paths()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            paths,
            vec![
                "extra.x",
                "name",
                "pair[0]",
                "ports[1]",
                r#"tags["env"]"#,
                "zones"
            ]
        );
        let first = &value.unknown_paths()[3];
        assert_eq!(first, &AttributePath::root().attr("ports").index(1));
    }

    #[test]
    fn known_values_have_no_unknown_paths() {
        let value = Value::object([("a", Value::List(vec![Value::Null, Value::int(1)]))]);
        assert!(value.is_known());
        assert!(value.unknown_paths().is_empty());
        assert_eq!(Value::Unknown.unknown_paths(), vec![AttributePath::root()]);
    }

    #[test]
    fn zero_values() {
        assert_eq!(
            Value::zero(&sample_type()),
            Value::object([
                ("name", Value::string("")),
                ("tags", Value::Map(BTreeMap::new())),
                ("ports", Value::List(vec![])),
                ("zones", Value::Set(vec![])),
                ("pair", Value::Tuple(vec![false.into(), Value::int(0)])),
                ("extra", Value::Null),
            ])
        );
    }

    #[test]
    fn replaces_unknowns_with_zeros() {
        let replaced = sample_value().replace_unknowns_with_zero(&sample_type());
        assert!(replaced.is_known());
        assert_eq!(
            replaced,
            Value::object([
                ("name", Value::string("")),
                (
                    "tags",
                    Value::map([("env", Value::string("")), ("team", "net".into())]),
                ),
                (
                    "ports",
                    Value::List(vec![Value::int(22), Value::int(0), Value::int(443)]),
                ),
                ("zones", Value::Set(vec!["a".into(), "".into()])),
                ("pair", Value::Tuple(vec![false.into(), Value::int(1)])),
                (
                    "extra",
                    Value::Dynamic(
                        Type::object([("x", Type::String)]),
                        Box::new(Value::object([("x", Value::string(""))])),
                    ),
                ),
            ])
        );
        assert_eq!(
            Value::Unknown.replace_unknowns_with_zero(&Type::Dynamic),
            Value::Null
        );
    }

    #[test]
    fn accessors_look_through_dynamic() {
        let value = Value::Dynamic(Type::String, Box::new("x".into()));
        assert_eq!(value.as_str(), Some("x"));
        assert_eq!(
            sample_value()
                .get("tags")
                .and_then(|t| t.as_entries())
                .map(|m| m.len()),
            Some(2)
        );
        assert_eq!(Value::int(3).as_number(), Some(&Number::Int(3)));
        assert!(Value::Dynamic(Type::Bool, Box::new(Value::Null)).is_null());
        assert!(Value::Dynamic(Type::Bool, Box::new(Value::Unknown)).is_unknown());
    }
}
