//! The Terraform schema of `panorama_flow_matrix`, derived from the engine's types.
//!
//! The inputs come from the estate's JSON Schema ([`crate::flows::schema`]) and are
//! `dynamic` attributes: Terraform then sends each one as written, with its real types and
//! every key (it silently drops unknown keys of nested attributes, hashicorp/terraform#33570),
//! and the engine's reader checks it. Each input's description carries its doc comment
//! and an outline of everything it holds (name, type, required or optional, description),
//! so editors and `terraform providers schema -json` still describe every attribute.
//!
//! The computed attributes come from [`FlowMatrix`] as nested attributes, so outputs keep
//! their full types. Schema, docs, reader and engine therefore cannot disagree.

use crate::flows::schema::{self as model, Field, Shape};
use crate::flows::FlowMatrix;
use crate::tfproto::schema::{Attribute, AttributeType, Block, Nesting, Schema, Usage};
use crate::tfproto::Type;

/// Type name of the data source.
pub const DATA_SOURCE: &str = "panorama_flow_matrix";

/// Description of the data source.
const DATA_SOURCE_DESCRIPTION: &str = "Computes every network flow a declared Palo Alto Networks \
Panorama estate needs (who initiates, to whom, protocol, ports, App-ID and interface) from its \
appliances and software versions, with per-CIDR rule views ready for security groups.";

/// Why the engine's types could not be mapped onto Terraform attributes.
pub use crate::flows::schema::SchemaError;

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

/// The schema of `panorama_flow_matrix`: `dynamic` inputs from the estate's schema,
/// computed attributes from [`FlowMatrix`].
pub fn data_source_schema() -> Result<Schema, SchemaError> {
    let mut attributes: Vec<Attribute> = model::estate_fields()?.iter().map(input).collect();
    attributes.extend(computed_attributes()?);
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Schema {
        version: 0,
        block: Block {
            attributes,
            description: DATA_SOURCE_DESCRIPTION.to_owned(),
        },
    })
}

/// Names of the inputs: the attributes the reader checks.
pub fn input_attribute_names() -> Result<Vec<String>, SchemaError> {
    Ok(model::estate_fields()?
        .iter()
        .map(|f| f.name.clone())
        .collect())
}

/// Names of the computed attributes, which the configuration leaves null.
pub fn computed_attribute_names() -> Result<Vec<String>, SchemaError> {
    Ok(computed_attributes()?.into_iter().map(|a| a.name).collect())
}

/// The object type of the computed attributes: the outputs of [`FlowMatrix`], which the
/// data source's state holds and the function `flow_matrix` returns.
pub fn outputs_type() -> Result<Type, SchemaError> {
    Ok(Type::Object(
        computed_attributes()?
            .iter()
            .map(|attribute| (attribute.name.clone(), attribute.value_type()))
            .collect(),
    ))
}

/// An input: `dynamic`, described with its outline.
fn input(field: &Field) -> Attribute {
    let usage = if field.required {
        Usage::Required
    } else {
        Usage::Optional
    };
    Attribute::plain(field.name.clone(), Type::Dynamic, usage).describe(input_description(field))
}

/// An input's doc comment, then an outline of the attributes it holds, nested as deep as
/// they go (Terraform shows a `dynamic` attribute's description but knows nothing of
/// what is inside).
pub fn input_description(field: &Field) -> String {
    let mut text = field.description.clone();
    if let Some(fields) = field.shape.fields() {
        text.push_str(match field.shape {
            Shape::Map(_) => "\n\nEach value is an object with:\n",
            Shape::List(_) => "\n\nEach element is an object with:\n",
            _ => "\n\nAttributes:\n",
        });
        outline(fields, 0, &mut text);
    }
    text
}

fn outline(fields: &[Field], depth: usize, out: &mut String) {
    for field in fields {
        let usage = if field.required {
            "required"
        } else {
            "optional"
        };
        out.push_str(&format!(
            "\n{}- `{}` ({}, {usage}): {}",
            "  ".repeat(depth),
            field.name,
            field.shape.label(),
            field.description
        ));
        if let Some(inner) = field.shape.fields() {
            outline(inner, depth + 1, out);
        }
    }
}

/// The computed attributes, from [`FlowMatrix`]'s schema.
fn computed_attributes() -> Result<Vec<Attribute>, SchemaError> {
    match Shape::compile(&model::json_schema::<FlowMatrix>(), "")? {
        Shape::Object(fields) => fields.iter().map(computed).collect(),
        _ => Err(SchemaError("the flow matrix is not an object".into())),
    }
}

/// A computed attribute: nested attributes for objects and collections of objects, plain
/// types for everything else.
fn computed(field: &Field) -> Result<Attribute, SchemaError> {
    let nested = |nesting, fields: &[Field]| -> Result<AttributeType, SchemaError> {
        Ok(AttributeType::Nested(
            nesting,
            fields.iter().map(computed).collect::<Result<_, _>>()?,
        ))
    };
    let kind = match &field.shape {
        Shape::Object(fields) => nested(Nesting::Single, fields)?,
        Shape::List(element) => match &**element {
            Shape::Object(fields) => nested(Nesting::List, fields)?,
            _ => AttributeType::Plain(plain_type(&field.shape, &field.name)?),
        },
        Shape::Map(element) => match &**element {
            Shape::Object(fields) => nested(Nesting::Map, fields)?,
            _ => AttributeType::Plain(plain_type(&field.shape, &field.name)?),
        },
        shape => AttributeType::Plain(plain_type(shape, &field.name)?),
    };
    Ok(Attribute {
        name: field.name.clone(),
        kind,
        description: field.description.clone(),
        usage: Usage::Computed,
        sensitive: false,
    })
}

/// A Terraform type for a shape.
fn plain_type(shape: &Shape, at: &str) -> Result<Type, SchemaError> {
    Ok(match shape {
        Shape::String => Type::String,
        Shape::Number => Type::Number,
        Shape::Bool => Type::Bool,
        Shape::List(element) => Type::list(plain_type(element, at)?),
        Shape::Map(element) => Type::map(plain_type(element, at)?),
        Shape::Object(fields) => Type::Object(
            fields
                .iter()
                .map(|f| Ok((f.name.clone(), plain_type(&f.shape, at)?)))
                .collect::<Result<_, SchemaError>>()?,
        ),
        Shape::Either(_) => {
            return Err(SchemaError(format!(
                "`{at}` takes values of several kinds, which only a dynamic input can"
            )))
        }
    })
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
    fn inputs_are_dynamic_and_described_all_the_way_down() {
        let schema = data_source_schema().unwrap();
        let top = &schema.block.attributes;
        let panorama = find(top, "panorama");
        assert_eq!(panorama.usage, Usage::Required);
        assert_eq!(panorama.kind, AttributeType::Plain(Type::Dynamic));
        for name in [
            "log_collectors",
            "firewalls",
            "wildfire",
            "cortex_data_lake",
            "services",
        ] {
            let attribute = find(top, name);
            assert_eq!(attribute.usage, Usage::Optional, "{name}");
            assert_eq!(
                attribute.kind,
                AttributeType::Plain(Type::Dynamic),
                "{name}"
            );
        }
        assert!(panorama.description.starts_with(
            "The Panorama management server: one node, or two for an HA pair.\n\nAttributes:\n"
        ));
        for line in [
            "\n- `version` (String, required): Panorama software release, e.g. `10.2`, `10.2.4` or `11.1.4-h7`.",
            "\n- `nodes` (Attributes Map, required): Panorama nodes keyed by name: one node, or two for an HA pair.",
            "\n  - `addresses` (Map of (List of String or Map of String), optional): Addresses (IPv4 or IPv6 hosts or CIDRs) of the node, keyed by interface name.",
            "\n  - `log_collection` (String, optional): Interface that receives logs from firewalls (default `mgt`).",
        ] {
            assert!(panorama.description.contains(line), "{line} in {}", panorama.description);
        }
        let firewalls = &find(top, "firewalls").description;
        assert!(firewalls.contains("\n\nEach value is an object with:\n"));
        assert!(firewalls
            .contains("\n- `collector_group` (String, optional): Collector Group that receives"));
        assert_eq!(
            input_attribute_names().unwrap(),
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
        let flows = find(&schema.block.attributes, "grouped_rules");
        assert!(!flows.description.contains('\n'), "{:?}", flows.description);
    }
}
