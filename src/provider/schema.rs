//! The Terraform schema of `panorama_flow_matrix`, derived from the engine's serde types.
//!
//! The arguments come from [`EstateConfig`] and the computed attributes from
//! [`FlowMatrix`]: `schemars` turns both into JSON Schema (doc comments become
//! descriptions, non-`Option` fields become required), and this module maps that JSON
//! Schema onto Terraform attributes. Schema, docs and engine therefore cannot disagree.

use std::collections::BTreeMap;

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{Map, Value as Json};

use crate::flows::config::EstateConfig;
use crate::flows::FlowMatrix;
use crate::tfproto::schema::{Attribute, AttributeType, Block, Nesting, Schema, Usage};
use crate::tfproto::Type;

/// Type name of the data source.
pub const DATA_SOURCE: &str = "panorama_flow_matrix";

/// Description of the data source.
const DATA_SOURCE_DESCRIPTION: &str = "Computes every network flow a declared Palo Alto Networks \
Panorama estate needs (who initiates, to whom, protocol, ports, App-ID and interface) from its \
appliances and software versions, with per-CIDR rule views ready for security groups.";

/// Why a JSON Schema could not be mapped onto Terraform attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot derive the Terraform schema: {}", self.0)
    }
}

impl std::error::Error for SchemaError {}

/// The provider's own configuration schema: no arguments.
pub fn provider_schema() -> Schema {
    Schema {
        version: 0,
        block: Block {
            attributes: Vec::new(),
            description: String::new(),
        },
    }
}

/// The schema of `panorama_flow_matrix`: arguments from [`EstateConfig`], computed
/// attributes from [`FlowMatrix`].
pub fn data_source_schema() -> Result<Schema, SchemaError> {
    let mut attributes = attributes_of::<EstateConfig>(Side::Argument)?;
    attributes.extend(attributes_of::<FlowMatrix>(Side::Computed)?);
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Schema {
        version: 0,
        block: Block {
            attributes,
            description: DATA_SOURCE_DESCRIPTION.to_owned(),
        },
    })
}

/// Names of the computed attributes, which the configuration leaves null.
pub fn computed_attribute_names() -> Result<Vec<String>, SchemaError> {
    Ok(attributes_of::<FlowMatrix>(Side::Computed)?
        .into_iter()
        .map(|a| a.name)
        .collect())
}

/// Whether attributes are set by the user or computed by the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Argument,
    Computed,
}

fn attributes_of<T: JsonSchema>(side: Side) -> Result<Vec<Attribute>, SchemaError> {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let root = generator.into_root_schema_for::<T>();
    let json = root.as_value();
    let object = json
        .as_object()
        .ok_or_else(|| SchemaError("the root schema is not an object".into()))?;
    object_attributes(object, side, "")
}

/// Attributes of a JSON Schema object with `properties`.
fn object_attributes(
    object: &Map<String, Json>,
    side: Side,
    at: &str,
) -> Result<Vec<Attribute>, SchemaError> {
    let properties = object
        .get("properties")
        .and_then(Json::as_object)
        .ok_or_else(|| SchemaError(format!("`{at}` has no properties")))?;
    let required: Vec<&str> = object
        .get("required")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    properties
        .iter()
        .map(|(name, property)| {
            let path = if at.is_empty() {
                name.clone()
            } else {
                format!("{at}.{name}")
            };
            let property = property
                .as_object()
                .ok_or_else(|| SchemaError(format!("`{path}` is not a schema")))?;
            let usage = match side {
                Side::Computed => Usage::Computed,
                Side::Argument if required.contains(&name.as_str()) => Usage::Required,
                Side::Argument => Usage::Optional,
            };
            Ok(Attribute {
                name: name.clone(),
                kind: attribute_type(property, side, &path)?,
                description: description(property),
                usage,
                sensitive: false,
            })
        })
        .collect()
}

/// The JSON Schema `type` without `null` (which only says the attribute is optional).
fn json_type<'s>(schema: &'s Map<String, Json>, at: &str) -> Result<&'s str, SchemaError> {
    let types: Vec<&str> = match schema.get("type") {
        Some(Json::String(single)) => vec![single.as_str()],
        Some(Json::Array(list)) => list
            .iter()
            .filter_map(Json::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    match types.as_slice() {
        [single] => Ok(single),
        _ => Err(SchemaError(format!(
            "`{at}` must have exactly one non-null type"
        ))),
    }
}

/// Whether a JSON Schema is an object with named properties (a Terraform object).
fn is_record(schema: &Map<String, Json>) -> bool {
    schema.contains_key("properties")
}

fn sub_schema<'s>(
    schema: &'s Map<String, Json>,
    key: &str,
    at: &str,
) -> Result<&'s Map<String, Json>, SchemaError> {
    schema
        .get(key)
        .and_then(Json::as_object)
        .ok_or_else(|| SchemaError(format!("`{at}` has no `{key}` schema")))
}

/// An attribute's type: nested attributes for objects and collections of objects (so a
/// whole estate can be passed as one value), plain types for everything else.
fn attribute_type(
    schema: &Map<String, Json>,
    side: Side,
    at: &str,
) -> Result<AttributeType, SchemaError> {
    let nested = |element: &Map<String, Json>, nesting| -> Result<AttributeType, SchemaError> {
        Ok(AttributeType::Nested(
            nesting,
            object_attributes(element, side, at)?,
        ))
    };
    match json_type(schema, at)? {
        "object" if is_record(schema) => nested(schema, Nesting::Single),
        "object" => {
            let element = sub_schema(schema, "additionalProperties", at)?;
            if is_record(element) {
                nested(element, Nesting::Map)
            } else {
                Ok(AttributeType::Plain(plain_type(schema, at)?))
            }
        }
        "array" => {
            let element = sub_schema(schema, "items", at)?;
            if is_record(element) {
                nested(element, Nesting::List)
            } else {
                Ok(AttributeType::Plain(plain_type(schema, at)?))
            }
        }
        _ => Ok(AttributeType::Plain(plain_type(schema, at)?)),
    }
}

/// A Terraform type for a JSON Schema.
fn plain_type(schema: &Map<String, Json>, at: &str) -> Result<Type, SchemaError> {
    Ok(match json_type(schema, at)? {
        "string" => Type::String,
        "integer" | "number" => Type::Number,
        "boolean" => Type::Bool,
        "array" => Type::List(Box::new(plain_type(sub_schema(schema, "items", at)?, at)?)),
        "object" if is_record(schema) => {
            let properties = sub_schema(schema, "properties", at)?;
            let mut attributes = BTreeMap::new();
            for (name, property) in properties {
                let property = property
                    .as_object()
                    .ok_or_else(|| SchemaError(format!("`{at}.{name}` is not a schema")))?;
                attributes.insert(name.clone(), plain_type(property, &format!("{at}.{name}"))?);
            }
            Type::Object(attributes)
        }
        "object" => Type::Map(Box::new(plain_type(
            sub_schema(schema, "additionalProperties", at)?,
            at,
        )?)),
        other => {
            return Err(SchemaError(format!(
                "`{at}` has unsupported type `{other}`"
            )))
        }
    })
}

/// The doc comment, with the line wrapping of the source undone (paragraphs kept).
fn description(schema: &Map<String, Json>) -> String {
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

    fn find<'a>(attributes: &'a [Attribute], name: &str) -> &'a Attribute {
        attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no attribute `{name}`"))
    }

    fn nested(attribute: &Attribute) -> (&Nesting, &[Attribute]) {
        match &attribute.kind {
            AttributeType::Nested(nesting, attributes) => (nesting, attributes),
            other => panic!("`{}` is not nested: {other:?}", attribute.name),
        }
    }

    #[test]
    fn the_schema_is_one_terraform_accepts() {
        let schema = data_source_schema().unwrap();
        schema.validate().unwrap();
    }

    #[test]
    fn arguments_follow_spec_md() {
        let schema = data_source_schema().unwrap();
        let top = &schema.block.attributes;
        let panorama = find(top, "panorama");
        assert_eq!(panorama.usage, Usage::Required);
        let (nesting, attributes) = nested(panorama);
        assert_eq!(*nesting, Nesting::Single);
        assert_eq!(find(attributes, "version").usage, Usage::Required);
        assert_eq!(
            find(attributes, "version").kind,
            AttributeType::Plain(Type::String)
        );
        assert_eq!(find(attributes, "model").usage, Usage::Optional);
        assert_eq!(
            find(attributes, "ha_encryption").kind,
            AttributeType::Plain(Type::Bool)
        );
        let (nesting, node) = nested(find(attributes, "nodes"));
        assert_eq!(*nesting, Nesting::Map);
        assert_eq!(
            find(node, "addresses").kind,
            AttributeType::Plain(Type::Map(Box::new(Type::List(Box::new(Type::String)))))
        );
        let (nesting, firewall) = nested(find(top, "firewalls"));
        assert_eq!(
            (*nesting, find(top, "firewalls").usage),
            (Nesting::Map, Usage::Optional)
        );
        assert_eq!(
            find(firewall, "addresses").kind,
            AttributeType::Plain(Type::List(Box::new(Type::String)))
        );
        let (_, service) = nested(find(top, "services"));
        assert_eq!(
            find(service, "ports").kind,
            AttributeType::Plain(Type::List(Box::new(Type::Number)))
        );
        assert!(find(firewall, "collector_group")
            .description
            .starts_with("Collector Group that receives"));
    }

    #[test]
    fn outputs_are_computed_all_the_way_down() {
        let schema = data_source_schema().unwrap();
        let top = &schema.block.attributes;
        assert_eq!(find(top, "id").usage, Usage::Computed);
        assert_eq!(find(top, "flows_markdown").usage, Usage::Computed);
        for name in ["flows", "ingress_rules", "egress_rules", "grouped_rules"] {
            let attribute = find(top, name);
            assert_eq!(attribute.usage, Usage::Computed);
            let (nesting, inner) = nested(attribute);
            assert_eq!(*nesting, Nesting::List);
            assert!(inner.iter().all(|a| a.usage == Usage::Computed), "{name}");
        }
        let (_, flow) = nested(find(top, "flows"));
        assert_eq!(
            find(flow, "from_port").kind,
            AttributeType::Plain(Type::Number)
        );
        assert_eq!(
            find(flow, "source_interface").kind,
            AttributeType::Plain(Type::String)
        );
        assert_eq!(
            computed_attribute_names().unwrap(),
            [
                "egress_rules",
                "flows",
                "flows_markdown",
                "flows_mermaid",
                "grouped_rules",
                "id",
                "ingress_rules"
            ]
        );
    }

    #[test]
    fn descriptions_lose_source_line_wrapping() {
        let schema = data_source_schema().unwrap();
        let firewalls = find(&schema.block.attributes, "firewalls");
        assert!(
            !firewalls.description.contains('\n'),
            "{:?}",
            firewalls.description
        );
    }
}
