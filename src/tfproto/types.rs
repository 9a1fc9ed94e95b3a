//! Terraform type constraints and their JSON form (as used in schemas and inside
//! dynamic values).

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::error::{TypeError, MAX_DEPTH};

/// A Terraform type constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// A Unicode string.
    String,
    /// An arbitrary-precision number.
    Number,
    /// true or false.
    Bool,
    /// Any type, decided per value (`dynamic` in type JSON, `any` in HCL).
    Dynamic,
    /// An ordered sequence of elements of one type.
    List(Box<Type>),
    /// An unordered collection of distinct elements of one type.
    Set(Box<Type>),
    /// String keys to elements of one type.
    Map(Box<Type>),
    /// Named attributes, each with its own type.
    Object(BTreeMap<String, Type>),
    /// A fixed-length sequence, each position with its own type.
    Tuple(Vec<Type>),
}

impl Type {
    /// Shorthand for `Type::List(Box::new(element))`.
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// Shorthand for `Type::Set(Box::new(element))`.
    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    /// Shorthand for `Type::Map(Box::new(element))`.
    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// An object type from `(name, type)` pairs.
    pub fn object<N: Into<String>>(attributes: impl IntoIterator<Item = (N, Type)>) -> Type {
        Type::Object(
            attributes
                .into_iter()
                .map(|(name, ty)| (name.into(), ty))
                .collect(),
        )
    }

    /// The type in Terraform's JSON form: `"string"`, `["list","string"]`,
    /// `["object",{"a":"string"}]`, `["tuple",["bool"]]`, ...
    pub fn to_json(&self) -> Json {
        match self {
            Type::String => Json::from("string"),
            Type::Number => Json::from("number"),
            Type::Bool => Json::from("bool"),
            Type::Dynamic => Json::from("dynamic"),
            Type::List(element) => Json::Array(vec![Json::from("list"), element.to_json()]),
            Type::Set(element) => Json::Array(vec![Json::from("set"), element.to_json()]),
            Type::Map(element) => Json::Array(vec![Json::from("map"), element.to_json()]),
            Type::Object(attributes) => {
                let fields = attributes
                    .iter()
                    .map(|(name, ty)| (name.clone(), ty.to_json()))
                    .collect();
                Json::Array(vec![Json::from("object"), Json::Object(fields)])
            }
            Type::Tuple(elements) => Json::Array(vec![
                Json::from("tuple"),
                Json::Array(elements.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    /// The JSON form serialised to bytes, as the `type` field of a schema attribute
    /// or the first element of a dynamic value carries it.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        // Serialising a `serde_json::Value` to a Vec cannot fail: its map keys are
        // strings and writing to memory has no I/O error.
        serde_json::to_vec(&self.to_json()).unwrap_or_default()
    }

    /// Parses Terraform's JSON form of a type. An object type's optional third element
    /// (the list of optional attributes, used only in variable declarations) is
    /// accepted and ignored.
    pub fn from_json(json: &Json) -> Result<Type, TypeError> {
        Self::from_json_at(json, 0)
    }

    /// Parses the JSON form from raw bytes.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Type, TypeError> {
        let json: Json = serde_json::from_slice(bytes)
            .map_err(|err| TypeError::new(format!("not JSON: {err}")))?;
        Self::from_json(&json)
    }

    fn from_json_at(json: &Json, depth: usize) -> Result<Type, TypeError> {
        if depth > MAX_DEPTH {
            return Err(TypeError::new(format!(
                "nested more than {MAX_DEPTH} levels deep"
            )));
        }
        match json {
            Json::String(name) => match name.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(TypeError::new(format!("unknown primitive type {other:?}"))),
            },
            Json::Array(parts) => {
                let (kind, rest) = match parts.split_first() {
                    Some((Json::String(kind), rest)) => (kind.as_str(), rest),
                    _ => {
                        return Err(TypeError::new(
                            "a complex type must be an array starting with its kind",
                        ))
                    }
                };
                let argument = match (kind, rest) {
                    (_, [argument]) => argument,
                    ("object", [argument, Json::Array(_)]) => argument,
                    _ => {
                        return Err(TypeError::new(format!(
                            "{kind:?} type needs exactly one argument"
                        )))
                    }
                };
                let inner = |json: &Json| Self::from_json_at(json, depth + 1);
                match kind {
                    "list" => Ok(Type::List(Box::new(inner(argument)?))),
                    "set" => Ok(Type::Set(Box::new(inner(argument)?))),
                    "map" => Ok(Type::Map(Box::new(inner(argument)?))),
                    "object" => match argument {
                        Json::Object(fields) => fields
                            .iter()
                            .map(|(name, ty)| Ok((name.clone(), inner(ty)?)))
                            .collect::<Result<_, _>>()
                            .map(Type::Object),
                        _ => Err(TypeError::new("object attributes must be a JSON object")),
                    },
                    "tuple" => match argument {
                        Json::Array(elements) => elements
                            .iter()
                            .map(inner)
                            .collect::<Result<_, _>>()
                            .map(Type::Tuple),
                        _ => Err(TypeError::new("tuple elements must be a JSON array")),
                    },
                    other => Err(TypeError::new(format!("unknown type kind {other:?}"))),
                }
            }
            _ => Err(TypeError::new("a type must be a string or an array")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_forms() {
        assert_eq!(Type::String.to_json(), json!("string"));
        assert_eq!(
            Type::list(Type::String).to_json(),
            json!(["list", "string"])
        );
        assert_eq!(
            Type::object([("a", Type::String)]).to_json(),
            json!(["object", {"a": "string"}])
        );
        assert_eq!(
            Type::Tuple(vec![Type::Bool, Type::Number]).to_json(),
            json!(["tuple", ["bool", "number"]])
        );
        assert_eq!(
            Type::map(Type::set(Type::Dynamic)).to_json_bytes(),
            br#"["map",["set","dynamic"]]"#.to_vec()
        );
    }

    #[test]
    fn parses_what_it_writes() {
        let ty = Type::object([
            ("a", Type::list(Type::Number)),
            ("b", Type::Tuple(vec![Type::Bool, Type::Dynamic])),
            ("c", Type::map(Type::set(Type::String))),
        ]);
        assert_eq!(Type::from_json(&ty.to_json()), Ok(ty.clone()));
        assert_eq!(Type::from_json_bytes(&ty.to_json_bytes()), Ok(ty));
    }

    #[test]
    fn accepts_optional_attribute_marker() {
        let parsed = Type::from_json(&json!(["object", {"a": "string"}, ["a"]]));
        assert_eq!(parsed, Ok(Type::object([("a", Type::String)])));
    }

    #[test]
    fn rejects_malformed_types() {
        for bad in [
            json!("text"),
            json!(["list"]),
            json!(["list", "string", "string"]),
            json!(["object", ["a"]]),
            json!(["tuple", {"a": "string"}]),
            json!(["vector", "string"]),
            json!([1, "string"]),
            json!(42),
            json!(null),
        ] {
            assert!(Type::from_json(&bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn deep_type_is_an_error() {
        let mut json = json!("string");
        for _ in 0..100 {
            json = json!(["list", json]);
        }
        assert!(Type::from_json(&json).is_err());
    }
}
