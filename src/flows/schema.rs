//! The JSON Schema of the estate: one description of every input attribute (name, type,
//! required or optional, documentation), derived from [`crate::flows::config`] by
//! `schemars`, for everyone who needs it: the [`crate::flows::read`] reader checks input
//! against it, the provider derives Terraform descriptions from it, the registry docs
//! render it, and an estate file can be checked by any JSON Schema tool.
//!
//! [`Shape`] is the same schema compiled into plain data (the subset of JSON Schema that
//! `schemars` writes for the model: types, `properties`, `required`, `items`,
//! `additionalProperties`, `anyOf`), so that each of those users walks a Rust enum rather
//! than interpreting JSON Schema again.

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{Map, Value as Json};

use super::config::EstateConfig;

/// The JSON Schema (draft 2020-12) of `T`, every subschema inlined so each attribute's
/// schema sits under its parent's `properties`.
pub fn json_schema<T: JsonSchema>() -> Json {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// The JSON Schema of an estate ([`EstateConfig`]), derived once.
pub fn estate() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(json_schema::<EstateConfig>)
}

/// The estate's shape (an object of its attributes), compiled once from [`estate`]. An
/// error here is a bug in the model (a type the compiler does not know), reported rather
/// than panicking.
pub fn estate_shape() -> Result<&'static Shape, SchemaError> {
    static SHAPE: OnceLock<Result<Shape, SchemaError>> = OnceLock::new();
    let compiled = SHAPE.get_or_init(|| match Shape::compile(estate(), "")? {
        shape @ Shape::Object(_) => Ok(shape),
        _ => Err(SchemaError("the estate is not an object".into())),
    });
    compiled.as_ref().map_err(Clone::clone)
}

/// The estate's attributes (see [`estate_shape`]).
pub fn estate_fields() -> Result<&'static [Field], SchemaError> {
    match estate_shape()? {
        Shape::Object(fields) => Ok(fields),
        _ => Err(SchemaError("the estate is not an object".into())),
    }
}

/// Why a JSON Schema could not be compiled, or mapped onto another schema (a bug in the
/// model, reported rather than panicking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot derive the schema: {}", self.0)
    }
}

impl std::error::Error for SchemaError {}

/// What a value must be.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Text.
    String,
    /// A number (whether it must be whole, and its range, are checked when parsed).
    Number,
    /// `true` or `false`.
    Bool,
    /// A list of values of one shape.
    List(Box<Shape>),
    /// Names (any string) to values of one shape.
    Map(Box<Shape>),
    /// Named attributes, each with its own shape; no other names.
    Object(Vec<Field>),
    /// Any one of several shapes of different kinds, told apart by the value's kind (a
    /// list of addresses, or a map of names to addresses).
    Either(Vec<Shape>),
}

/// One attribute of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Whether it must be set (and not null).
    pub required: bool,
    /// Its documentation (the doc comment, line wrapping undone).
    pub description: String,
    /// Other names a user may reach for (`protocol` for `transport`): a misspelling that
    /// matches one is answered with this attribute's name.
    pub aliases: Vec<String>,
    /// What its value must be.
    pub shape: Shape,
}

impl Shape {
    /// Compiles a JSON Schema node (`at` names it in errors).
    pub fn compile(schema: &Json, at: &str) -> Result<Shape, SchemaError> {
        let node = schema
            .as_object()
            .ok_or_else(|| SchemaError(format!("`{at}` is not a schema object")))?;
        if let Some(alternatives) = node.get("anyOf").or_else(|| node.get("oneOf")) {
            let mut shapes = Vec::new();
            for alternative in alternatives.as_array().into_iter().flatten() {
                if alternative.get("type").and_then(Json::as_str) == Some("null") {
                    continue;
                }
                match Shape::compile(alternative, at)? {
                    Shape::Either(inner) => shapes.extend(inner),
                    shape => shapes.push(shape),
                }
            }
            return Shape::either(shapes, at);
        }
        let types: Vec<&str> = match node.get("type") {
            Some(Json::String(single)) => vec![single.as_str()],
            Some(Json::Array(list)) => list.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        let shapes = types
            .into_iter()
            .filter(|t| *t != "null")
            .map(|t| Shape::single(t, node, at))
            .collect::<Result<Vec<_>, _>>()?;
        Shape::either(shapes, at)
    }

    fn either(mut shapes: Vec<Shape>, at: &str) -> Result<Shape, SchemaError> {
        match shapes.len() {
            0 => Err(SchemaError(format!("`{at}` has no type"))),
            1 => Ok(shapes.remove(0)),
            _ => Ok(Shape::Either(shapes)),
        }
    }

    fn single(kind: &str, node: &Map<String, Json>, at: &str) -> Result<Shape, SchemaError> {
        let sub = |key: &str| {
            node.get(key)
                .filter(|s| s.is_object())
                .ok_or_else(|| SchemaError(format!("`{at}` has no `{key}` schema")))
        };
        Ok(match kind {
            "string" => Shape::String,
            "number" | "integer" => Shape::Number,
            "boolean" => Shape::Bool,
            "array" => Shape::List(Box::new(Shape::compile(sub("items")?, at)?)),
            "object" if node.contains_key("properties") => Shape::Object(fields(node, at)?),
            "object" => Shape::Map(Box::new(Shape::compile(sub("additionalProperties")?, at)?)),
            other => return Err(SchemaError(format!("`{at}` has unknown type `{other}`"))),
        })
    }

    /// The shape's name as the registry docs write types: `String`, `List of String`,
    /// `Attributes Map`, `List of String or Map of String`...
    pub fn label(&self) -> String {
        match self {
            Shape::String => "String".into(),
            Shape::Number => "Number".into(),
            Shape::Bool => "Boolean".into(),
            Shape::List(element) => format!("List of {}", element.element_label()),
            Shape::Map(element) => match **element {
                Shape::Object(_) => "Attributes Map".into(),
                _ => format!("Map of {}", element.element_label()),
            },
            Shape::Object(_) => "Attributes".into(),
            Shape::Either(shapes) => join(shapes.iter().map(Shape::label), " or "),
        }
    }

    /// The label of an element: alternatives in parentheses, so `Map of (List of String
    /// or Map of String)` reads one way only.
    fn element_label(&self) -> String {
        match self {
            Shape::Either(_) => format!("({})", self.label()),
            _ => self.label(),
        }
    }

    /// What the shape accepts, in words for a diagnostic: `a string`, `a list of strings`,
    /// `a map of names to objects of attributes`...
    pub fn accepted(&self) -> String {
        match self {
            Shape::String => "a string".into(),
            Shape::Number => "a number".into(),
            Shape::Bool => "a bool (`true` or `false`)".into(),
            Shape::List(element) => format!("a list of {}", element.plural()),
            Shape::Map(element) => format!("a map of names to {}", element.plural()),
            Shape::Object(_) => "an object of attributes (`{ name = value, ... }`)".into(),
            Shape::Either(shapes) => join(shapes.iter().map(Shape::accepted), ", or "),
        }
    }

    fn plural(&self) -> String {
        match self {
            Shape::String => "strings".into(),
            Shape::Number => "numbers".into(),
            Shape::Bool => "bools".into(),
            Shape::List(element) => format!("lists of {}", element.plural()),
            Shape::Map(element) => format!("maps of names to {}", element.plural()),
            Shape::Object(_) => "objects of attributes".into(),
            Shape::Either(shapes) => join(shapes.iter().map(Shape::plural), " or "),
        }
    }

    /// A known value of this shape that stands in for one that is unknown or refused:
    /// `""`, `0`, `false`, empty collections, an object of its required attributes.
    pub fn placeholder(&self) -> Json {
        match self {
            Shape::String => Json::String(String::new()),
            Shape::Number => Json::from(0),
            Shape::Bool => Json::Bool(false),
            Shape::List(_) => Json::Array(Vec::new()),
            Shape::Map(_) => Json::Object(Map::new()),
            Shape::Object(fields) => Json::Object(
                fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| (f.name.clone(), f.shape.placeholder()))
                    .collect(),
            ),
            Shape::Either(shapes) => shapes.first().map_or(Json::Null, Shape::placeholder),
        }
    }

    /// The attributes of an object, or of the objects of a map or list.
    pub fn fields(&self) -> Option<&[Field]> {
        match self {
            Shape::Object(fields) => Some(fields),
            Shape::Map(element) | Shape::List(element) => match &**element {
                Shape::Object(fields) => Some(fields),
                _ => None,
            },
            _ => None,
        }
    }
}

fn join(parts: impl Iterator<Item = String>, separator: &str) -> String {
    parts.collect::<Vec<_>>().join(separator)
}

/// The attributes of an object schema with `properties`, in name order.
fn fields(node: &Map<String, Json>, at: &str) -> Result<Vec<Field>, SchemaError> {
    let required: Vec<&str> = node
        .get("required")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    let mut fields = Vec::new();
    for (name, property) in node
        .get("properties")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        let here = if at.is_empty() {
            name.clone()
        } else {
            format!("{at}.{name}")
        };
        fields.push(Field {
            name: name.clone(),
            required: required.contains(&name.as_str()),
            description: description(property),
            aliases: property
                .get("x-aliases")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect(),
            shape: Shape::compile(property, &here)?,
        });
    }
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(fields)
}

/// A schema's `description`, with the line wrapping of the source undone (paragraphs
/// kept).
pub fn description(schema: &Json) -> String {
    let text = schema
        .get("description")
        .and_then(Json::as_str)
        .unwrap_or_default();
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'f>(fields: &'f [Field], name: &str) -> &'f Field {
        fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no `{name}`"))
    }

    #[test]
    fn the_estate_compiles_to_the_model() {
        let top = estate_fields().unwrap();
        let names: Vec<&str> = top.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "appliances",
                "cortex_data_lake",
                "firewalls",
                "log_collectors",
                "panorama",
                "services",
                "views",
                "wildfire"
            ]
        );
        let panorama = field(top, "panorama");
        assert!(panorama.required);
        let Shape::Object(pano) = &panorama.shape else {
            panic!("panorama is an object")
        };
        assert!(field(pano, "version").required);
        assert_eq!(field(pano, "version").shape, Shape::String);
        assert!(!field(pano, "model").required);
        let nodes = &field(pano, "nodes").shape;
        assert_eq!(nodes.label(), "Attributes Map");
        let node = nodes.fields().unwrap();
        assert_eq!(
            field(node, "addresses").shape.label(),
            "Map of (List of String or Map of String)"
        );
        let firewall = field(top, "firewalls").shape.fields().unwrap();
        assert_eq!(
            field(firewall, "addresses").shape.accepted(),
            "a list of strings, or a map of names to strings"
        );
        let service = field(top, "services").shape.fields().unwrap();
        assert_eq!(
            field(service, "ports").shape,
            Shape::List(Box::new(Shape::Number))
        );
        assert_eq!(field(service, "transport").aliases, ["protocol"]);
        assert!(!field(firewall, "collector_group")
            .description
            .contains('\n'));
    }

    #[test]
    fn placeholders_hold_required_attributes_only() {
        let top = estate_fields().unwrap();
        let placeholder = field(top, "panorama").shape.placeholder();
        assert_eq!(
            placeholder,
            serde_json::json!({ "version": "", "nodes": {} })
        );
        assert!(serde_json::from_value::<EstateConfig>(serde_json::json!({
            "panorama": placeholder
        }))
        .is_ok());
    }

    #[test]
    fn unknown_schemas_are_errors_not_panics() {
        let bad =
            serde_json::json!({ "type": "object", "properties": { "x": { "type": "blob" } } });
        assert!(Shape::compile(&bad, "").is_err());
        assert!(Shape::compile(&serde_json::json!({ "type": "array" }), "").is_err());
    }
}
