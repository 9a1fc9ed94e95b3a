//! Between Terraform values and the engine's types: configuration in, outputs and
//! diagnostics out.

use crate::flows::input::{Input, Number as InputNumber};
use crate::flows::{self, FlowMatrix};
use crate::tfproto::{msgpack, AttributePath, Diagnostic, Step, Type, Value};

use super::encode;
use super::output::{self, OutputError};

/// The estate as written: the configuration's `inputs` (the computed attributes, which
/// Terraform sends as null, left out), for the engine's reader.
pub fn estate_input(config: &Value, inputs: &[String]) -> Input {
    let entries = config.as_entries().into_iter().flatten();
    Input::Map(
        entries
            .filter(|(name, _)| inputs.contains(name))
            .map(|(name, value)| (name.clone(), input(value)))
            .collect(),
    )
}

/// A Terraform value as the engine's neutral input tree: lists, sets and tuples become
/// lists, maps and objects become maps, `dynamic` wrappers are looked through.
pub fn input(value: &Value) -> Input {
    match value {
        Value::Null => Input::Null,
        Value::Unknown => Input::Unknown,
        Value::Bool(flag) => Input::Bool(*flag),
        Value::Number(number) => Input::Number(InputNumber::from_text(number.to_string())),
        Value::String(text) => Input::String(text.clone()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            Input::List(items.iter().map(input).collect())
        }
        Value::Map(entries) | Value::Object(entries) => Input::Map(
            entries
                .iter()
                .map(|(key, value)| (key.clone(), input(value)))
                .collect(),
        ),
        Value::Dynamic(_, inner) => input(inner),
    }
}

/// The outermost object of a state or function result, attribute by attribute: each
/// name with the encoded size of its value, in the order they are written (sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Each attribute's name, whether it is a computed output, and the size of its value.
    pub attributes: Vec<(String, bool, usize)>,
    /// Size of the whole object: header, names and values.
    pub total: usize,
}

impl Layout {
    /// The computed outputs with their sizes.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, usize)> {
        self.attributes
            .iter()
            .filter(|(_, output, _)| *output)
            .map(|(name, _, size)| (name.as_str(), *size))
    }
}

/// Measures the object `object` (the data source's state: the configuration `config` as
/// given with the computed attributes `outputs` filled in from `matrix`; or, with no
/// configuration, a function result) without writing it.
pub fn layout(
    config: Option<&Value>,
    matrix: &FlowMatrix,
    object: &Type,
    outputs: &Type,
    options: encode::Options<'_>,
) -> Result<Layout, OutputError> {
    let mut counter = encode::Counter::default();
    let attributes = write_into(&mut counter, config, matrix, object, outputs, options)?;
    Ok(Layout {
        attributes,
        total: encode::Sink::position(&counter),
    })
}

/// Writes the object [`layout`] measured, as msgpack, straight from the engine's types.
/// Terraform takes only a wholly known state: with `options.unknowns` false an unknown
/// output is an error. Gives up soon after `options.cancel` is set.
pub fn write_object(
    config: Option<&Value>,
    matrix: &FlowMatrix,
    object: &Type,
    outputs: &Type,
    options: encode::Options<'_>,
    capacity: usize,
) -> Result<Vec<u8>, OutputError> {
    let mut buffer = encode::Buffer::with_capacity(capacity);
    write_into(&mut buffer, config, matrix, object, outputs, options)?;
    Ok(buffer.into_bytes())
}

/// Writes the object to `sink`, one attribute at a time in name order; each attribute's
/// name, whether it is an output, and the size of its value.
fn write_into<S: encode::Sink>(
    sink: &mut S,
    config: Option<&Value>,
    matrix: &FlowMatrix,
    object: &Type,
    outputs: &Type,
    options: encode::Options<'_>,
) -> Result<Vec<(String, bool, usize)>, OutputError> {
    let attributes = object_attributes(object)?;
    encode::write_map_header(sink, attributes.len())?;
    let mut sizes = Vec::with_capacity(attributes.len());
    for (name, ty) in attributes {
        encode::write_key(sink, name)?;
        let before = sink.position();
        let output = is_output(outputs, name);
        write_attribute(sink, config, matrix, name, ty, output, options)?;
        sizes.push((name.clone(), output, sink.position() - before));
    }
    Ok(sizes)
}

fn object_attributes(
    object: &Type,
) -> Result<&std::collections::BTreeMap<String, Type>, OutputError> {
    match object {
        Type::Object(attributes) => Ok(attributes),
        _ => Err(OutputError("the state's type is not an object".into())),
    }
}

fn is_output(outputs: &Type, name: &str) -> bool {
    matches!(outputs, Type::Object(types) if types.contains_key(name))
}

/// One attribute: a computed output from `matrix`, or the configuration's value as given
/// (null when absent).
fn write_attribute<S: encode::Sink>(
    sink: &mut S,
    config: Option<&Value>,
    matrix: &FlowMatrix,
    name: &str,
    ty: &Type,
    output: bool,
    options: encode::Options<'_>,
) -> Result<(), OutputError> {
    if output {
        return encode::write_attribute(sink, matrix, name, ty, options);
    }
    let value = config
        .and_then(|config| config.get(name))
        .unwrap_or(&Value::Null);
    let bytes = msgpack::encode(value, ty).map_err(|e| OutputError(e.to_string()))?;
    sink.write_all(&bytes)
        .map_err(|e| OutputError(format!("msgpack writer failed: {e}")))
}

/// The state the old way, kept as the reference the direct writer is tested against: the
/// configuration with the computed attributes filled in, as a [`Value`] tree.
pub fn state_value(
    config: &Value,
    matrix: &FlowMatrix,
    outputs: &Type,
    cancel: &flows::CancelToken,
) -> Result<Value, Diagnostic> {
    let internal = |what: String| Diagnostic::error("Internal error building the state", what);
    let Value::Object(attributes) = config else {
        return Err(internal("the configuration is not an object".into()));
    };
    let computed = output::to_value_cancellable(matrix, outputs, cancel)
        .map_err(|e| internal(e.to_string()))?;
    let Value::Object(computed) = computed else {
        return Err(internal("the outputs are not an object".into()));
    };
    let mut attributes = attributes.clone();
    attributes.extend(computed);
    let state = Value::Object(attributes);
    match state.is_known() {
        true => Ok(state),
        false => Err(internal("an output is not known yet".into())),
    }
}

/// A Terraform attribute path for an engine path.
pub fn attribute_path(path: &flows::Path) -> AttributePath {
    AttributePath {
        steps: path
            .0
            .iter()
            .map(|step| match step {
                flows::Step::Attr(name) => Step::Attribute(name.to_string()),
                flows::Step::Key(key) => Step::Key(key.clone()),
                flows::Step::Index(index) => Step::Index(i64::try_from(*index).unwrap_or(i64::MAX)),
            })
            .collect(),
    }
}

/// The part of `path` that Terraform can place in the configuration.
///
/// Terraform (1.11 to 1.15) maps a diagnostic's path back to source only through blocks,
/// a top-level attribute, and one index into that attribute's map or list; a deeper path
/// into a nested attribute falls back to the whole data block. So the diagnostic carries
/// the top-level attribute and, when present, its first key or index (Terraform then
/// shows e.g. the `branches = {` line of `firewalls["branches"].version`), and the detail
/// names the full path.
pub fn locatable(path: &flows::Path) -> flows::Path {
    let keep = match path.0.as_slice() {
        [flows::Step::Attr(_), flows::Step::Key(_) | flows::Step::Index(_), ..] => 2,
        steps => steps.len().min(1),
    };
    flows::Path(path.0[..keep].to_vec())
}

/// A Terraform diagnostic for an engine diagnostic.
pub fn diagnostic(found: &flows::Diagnostic) -> Diagnostic {
    let detail = if found.path.0.is_empty() {
        found.detail.clone()
    } else {
        format!("{}: {}", found.path, found.detail)
    };
    let diagnostic = match found.severity {
        flows::Severity::Error => Diagnostic::error(&found.summary, detail),
        flows::Severity::Warning => Diagnostic::warning(&found.summary, detail),
    };
    diagnostic.at(attribute_path(&locatable(&found.path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfproto::Number;

    #[test]
    fn values_become_input_as_written() {
        let config = Value::object([
            (
                "panorama",
                Value::Dynamic(
                    Type::object([("version", Type::Number)]),
                    Box::new(Value::object([(
                        "version",
                        Value::Number(Number::Decimal("10.1".into())),
                    )])),
                ),
            ),
            (
                "firewalls",
                Value::Dynamic(
                    Type::Tuple(vec![Type::String, Type::Dynamic]),
                    Box::new(Value::Tuple(vec!["a".into(), Value::Unknown])),
                ),
            ),
            ("services", Value::Null),
            ("flows", Value::Null),
        ]);
        let inputs = ["panorama", "firewalls", "services"].map(String::from);
        let expected = Input::map([
            (
                "panorama",
                Input::map([("version", Input::Number(InputNumber::from_text("10.1")))]),
            ),
            (
                "firewalls",
                Input::List(vec![Input::String("a".into()), Input::Unknown]),
            ),
            ("services", Input::Null),
        ]);
        assert_eq!(estate_input(&config, &inputs), expected);
        assert_eq!(
            input(&Value::Set(vec![
                Value::Number(Number::Float(443.5)),
                true.into()
            ])),
            Input::List(vec![
                Input::Number(InputNumber::from_text("443.5")),
                Input::Bool(true)
            ])
        );
    }

    #[test]
    fn locatable_paths_stop_where_terraform_can_follow() {
        let root = flows::Path::root();
        let version = root.attr("firewalls").key("branches").attr("version");
        assert_eq!(locatable(&version), root.attr("firewalls").key("branches"));
        let panorama_version = root.attr("panorama").attr("version");
        assert_eq!(locatable(&panorama_version), root.attr("panorama"));
        assert_eq!(locatable(&root), root);
        assert_eq!(locatable(&root.attr("firewalls")), root.attr("firewalls"));
    }

    #[test]
    fn the_detail_names_the_full_path() {
        let path = flows::Path::root()
            .attr("firewalls")
            .key("b")
            .attr("version");
        let found = flows::Diagnostic::error(path, "Invalid version", "`x` is not a release.");
        let diagnostic = diagnostic(&found);
        assert_eq!(
            diagnostic.detail,
            "firewalls[\"b\"].version: `x` is not a release."
        );
        assert_eq!(
            diagnostic.path.map(|p| p.to_string()).as_deref(),
            Some("firewalls[\"b\"]")
        );
    }
}
