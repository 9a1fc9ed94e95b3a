//! Between Terraform values and the engine's types: configuration in, outputs and
//! diagnostics out.

use crate::flows::input::{Input, Number as InputNumber};
use crate::flows::{self, FlowMatrix};
use crate::tfproto::{AttributePath, Diagnostic, Step, Type, Value};

use super::output;

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

/// The state: the configuration as given, with the computed attributes (of type
/// `outputs`, an object type) filled in. Terraform takes only a wholly known state.
/// Writing it gives up soon after `cancel` is set (the caller checks the token).
pub fn state(
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
