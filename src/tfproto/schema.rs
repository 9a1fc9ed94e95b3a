//! Schemas as plain data: what the provider declares to Terraform about its
//! configuration and data sources, and the object type values of that schema have.

use std::collections::{BTreeMap, BTreeSet};

use super::tfplugin6;
use super::types::Type;

/// A versioned schema (provider configuration, data source, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// Schema version; data sources keep 0.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

/// A block: a set of attributes. Nested blocks are not used by this provider;
/// nested attributes cover the same ground.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    /// The attributes.
    pub attributes: Vec<Attribute>,
    /// Markdown description.
    pub description: String,
}

/// One attribute of a block or nested attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Name: lowercase letters, digits and underscores.
    pub name: String,
    /// Plain type or nested attributes.
    pub kind: AttributeType,
    /// Markdown description.
    pub description: String,
    /// Who sets the attribute: configuration, provider, or both.
    pub usage: Usage,
    /// Hide the value in Terraform's output.
    pub sensitive: bool,
}

/// The type of an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeType {
    /// A value of a type constraint.
    Plain(Type),
    /// An object with its own attributes, or a list, set or map of such objects.
    Nested(Nesting, Vec<Attribute>),
}

/// How the objects of a nested attribute are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects.
    Map,
}

/// Who provides an attribute's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Usage {
    /// The configuration must set it.
    Required,
    /// The configuration may set it; otherwise it is null.
    Optional,
    /// Only the provider sets it.
    Computed,
    /// The configuration may set it; otherwise the provider does.
    OptionalComputed,
}

impl Attribute {
    /// An attribute of a plain type.
    pub fn plain(name: impl Into<String>, ty: Type, usage: Usage) -> Self {
        Self {
            name: name.into(),
            kind: AttributeType::Plain(ty),
            description: String::new(),
            usage,
            sensitive: false,
        }
    }

    /// A nested attribute.
    pub fn nested(
        name: impl Into<String>,
        nesting: Nesting,
        attributes: Vec<Attribute>,
        usage: Usage,
    ) -> Self {
        Self {
            kind: AttributeType::Nested(nesting, attributes),
            ..Self::plain(name, Type::Dynamic, usage)
        }
    }

    /// The same attribute with a description.
    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The same attribute, marked sensitive.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// The type of this attribute's values.
    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttributeType::Plain(ty) => ty.clone(),
            AttributeType::Nested(nesting, attributes) => {
                let object = object_type(attributes);
                match nesting {
                    Nesting::Single => object,
                    Nesting::List => Type::list(object),
                    Nesting::Set => Type::set(object),
                    Nesting::Map => Type::map(object),
                }
            }
        }
    }
}

fn object_type(attributes: &[Attribute]) -> Type {
    Type::Object(
        attributes
            .iter()
            .map(|attribute| (attribute.name.clone(), attribute.value_type()))
            .collect(),
    )
}

impl Block {
    /// The object type of values of this block.
    pub fn value_type(&self) -> Type {
        object_type(&self.attributes)
    }
}

/// True if `name` is a name Terraform accepts: non-empty, lowercase ASCII letters,
/// digits and underscores.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn validate_attributes(attributes: &[Attribute], at: &str) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for attribute in attributes {
        let name = &attribute.name;
        let here = if at.is_empty() {
            name.clone()
        } else {
            format!("{at}.{name}")
        };
        if !valid_name(name) {
            return Err(format!(
                "attribute {here:?}: names must be non-empty and use only a-z, 0-9 and _"
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err(format!("attribute {here:?} is declared twice"));
        }
        if let AttributeType::Nested(_, nested) = &attribute.kind {
            if nested.is_empty() {
                return Err(format!(
                    "nested attribute {here:?} must have at least one attribute"
                ));
            }
            validate_attributes(nested, &here)?;
        }
    }
    Ok(())
}

impl Schema {
    /// Checks the rules Terraform applies when it loads a schema (names, duplicates,
    /// non-empty nested attributes), so a broken schema fails a unit test instead of
    /// every `terraform plan`. Each attribute has exactly one valid usage by
    /// construction, and plain and nested types cannot both be set.
    pub fn validate(&self) -> Result<(), String> {
        validate_attributes(&self.block.attributes, "")
    }

    /// The object type of values of this schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
}

fn nesting_mode(nesting: Nesting) -> tfplugin6::schema::object::NestingMode {
    use tfplugin6::schema::object::NestingMode;
    match nesting {
        Nesting::Single => NestingMode::Single,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
        Nesting::Map => NestingMode::Map,
    }
}

/// Attributes in name order, so the schema Terraform sees does not depend on the
/// order they were declared in.
fn wire_attributes(attributes: &[Attribute]) -> Vec<tfplugin6::schema::Attribute> {
    let sorted: BTreeMap<&str, &Attribute> = attributes
        .iter()
        .map(|attribute| (attribute.name.as_str(), attribute))
        .collect();
    sorted.into_values().map(Into::into).collect()
}

impl From<&Attribute> for tfplugin6::schema::Attribute {
    fn from(attribute: &Attribute) -> Self {
        let (r#type, nested_type) = match &attribute.kind {
            AttributeType::Plain(ty) => (ty.to_json_bytes(), None),
            AttributeType::Nested(nesting, attributes) => (
                Vec::new(),
                Some(tfplugin6::schema::Object {
                    attributes: wire_attributes(attributes),
                    nesting: nesting_mode(*nesting).into(),
                }),
            ),
        };
        let (required, optional, computed) = match attribute.usage {
            Usage::Required => (true, false, false),
            Usage::Optional => (false, true, false),
            Usage::Computed => (false, false, true),
            Usage::OptionalComputed => (false, true, true),
        };
        Self {
            name: attribute.name.clone(),
            r#type,
            nested_type,
            description: attribute.description.clone(),
            required,
            optional,
            computed,
            sensitive: attribute.sensitive,
            description_kind: tfplugin6::StringKind::Markdown.into(),
            deprecated: false,
            write_only: false,
        }
    }
}

impl From<&Schema> for tfplugin6::Schema {
    fn from(schema: &Schema) -> Self {
        Self {
            version: schema.version,
            block: Some(tfplugin6::schema::Block {
                version: schema.version,
                attributes: wire_attributes(&schema.block.attributes),
                block_types: Vec::new(),
                description: schema.block.description.clone(),
                description_kind: tfplugin6::StringKind::Markdown.into(),
                deprecated: false,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Schema {
        Schema {
            version: 0,
            block: Block {
                description: "Flows.".into(),
                attributes: vec![
                    Attribute::plain("name", Type::String, Usage::Required).describe("The name."),
                    Attribute::nested(
                        "rules",
                        Nesting::List,
                        vec![
                            Attribute::plain("port", Type::Number, Usage::Optional),
                            Attribute::plain("tags", Type::map(Type::String), Usage::Computed),
                        ],
                        Usage::OptionalComputed,
                    ),
                    Attribute::nested(
                        "meta",
                        Nesting::Single,
                        vec![Attribute::plain("id", Type::String, Usage::Computed)],
                        Usage::Computed,
                    ),
                    Attribute::plain("token", Type::String, Usage::Optional).sensitive(),
                ],
            },
        }
    }

    #[test]
    fn value_type_follows_nesting() {
        let rule = Type::object([("port", Type::Number), ("tags", Type::map(Type::String))]);
        assert_eq!(
            sample().value_type(),
            Type::object([
                ("name", Type::String),
                ("rules", Type::list(rule.clone())),
                ("meta", Type::object([("id", Type::String)])),
                ("token", Type::String),
            ])
        );
        let leaf = vec![Attribute::plain("x", Type::Bool, Usage::Required)];
        let of = |nesting| Attribute::nested("n", nesting, leaf.clone(), Usage::Required);
        let x = Type::object([("x", Type::Bool)]);
        assert_eq!(of(Nesting::Set).value_type(), Type::set(x.clone()));
        assert_eq!(of(Nesting::Map).value_type(), Type::map(x));
    }

    #[test]
    fn converts_to_protobuf() {
        let wire = tfplugin6::Schema::from(&sample());
        let block = wire.block.expect("block");
        assert_eq!(block.description, "Flows.");
        assert_eq!(block.description_kind, 1);
        let names: Vec<_> = block.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["meta", "name", "rules", "token"]);

        let name = &block.attributes[1];
        assert_eq!(name.r#type, br#""string""#);
        assert!(name.nested_type.is_none());
        assert_eq!(
            (name.required, name.optional, name.computed),
            (true, false, false)
        );
        assert_eq!(name.description, "The name.");

        let rules = &block.attributes[2];
        assert!(rules.r#type.is_empty());
        assert_eq!(
            (rules.required, rules.optional, rules.computed),
            (false, true, true)
        );
        let nested = rules.nested_type.as_ref().expect("nested type");
        assert_eq!(nested.nesting, 2);
        assert_eq!(nested.attributes[1].r#type, br#"["map","string"]"#);
        assert!(nested.attributes[1].computed && !nested.attributes[1].optional);

        assert!(block.attributes[3].sensitive);
        assert_eq!(
            block.attributes[0].nested_type.as_ref().map(|o| o.nesting),
            Some(1)
        );
    }

    #[test]
    fn validation_catches_broken_schemas() {
        assert_eq!(sample().validate(), Ok(()));
        let with = |attributes| Schema {
            version: 0,
            block: Block {
                attributes,
                description: String::new(),
            },
        };
        let plain = |name: &str| Attribute::plain(name, Type::String, Usage::Optional);
        assert!(with(vec![plain("Name")]).validate().is_err());
        assert!(with(vec![plain("")]).validate().is_err());
        assert!(with(vec![plain("a-b")]).validate().is_err());
        assert!(with(vec![plain("a"), plain("a")]).validate().is_err());
        let empty = Attribute::nested("n", Nesting::List, vec![], Usage::Optional);
        assert!(with(vec![empty]).validate().is_err());
        let bad_inner = Attribute::nested("n", Nesting::Map, vec![plain("X")], Usage::Optional);
        let err = with(vec![bad_inner]).validate().unwrap_err();
        assert!(err.contains("n.X"), "{err}");
    }
}
