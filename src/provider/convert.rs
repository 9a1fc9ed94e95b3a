//! Between Terraform values and the engine's types: configuration in, outputs and
//! diagnostics out.

use crate::flows::{self, config::EstateConfig, FlowMatrix};
use crate::tfproto::{AttributePath, Diagnostic, Step, Type, Value};

/// The declared estate in a configuration object, without the computed attributes
/// (which Terraform sends as null).
pub fn estate_config(config: &Value, computed: &[String]) -> Result<EstateConfig, Diagnostic> {
    let mut json = config.to_json();
    if let Some(object) = json.as_object_mut() {
        object.retain(|name, _| !computed.iter().any(|c| c == name));
    }
    serde_json::from_value(json).map_err(|error| {
        Diagnostic::error(
            "Configuration does not match the schema",
            format!("The provider could not read the configuration: {error}."),
        )
    })
}

/// The state: the configuration as given, with the computed attributes filled in.
pub fn state(config: &Value, matrix: &FlowMatrix, object_type: &Type) -> Result<Value, Diagnostic> {
    let internal = |what: String| Diagnostic::error("Internal error building the state", what);
    let (Value::Object(attributes), Type::Object(types)) = (config, object_type) else {
        return Err(internal("the configuration is not an object".into()));
    };
    let outputs = serde_json::to_value(matrix).map_err(|e| internal(e.to_string()))?;
    let mut attributes = attributes.clone();
    for (name, value) in outputs.as_object().into_iter().flatten() {
        let ty = types
            .get(name)
            .ok_or_else(|| internal(format!("`{name}` is not in the schema")))?;
        let value = Value::from_json(value, ty).map_err(|e| internal(format!("`{name}`: {e}")))?;
        attributes.insert(name.clone(), value);
    }
    Ok(Value::Object(attributes))
}

/// A Terraform attribute path for an engine path.
pub fn attribute_path(path: &flows::Path) -> AttributePath {
    AttributePath {
        steps: path
            .0
            .iter()
            .map(|step| match step {
                flows::Step::Attr(name) => Step::Attribute((*name).to_owned()),
                flows::Step::Key(key) => Step::Key(key.clone()),
                flows::Step::Index(index) => Step::Index(i64::try_from(*index).unwrap_or(i64::MAX)),
            })
            .collect(),
    }
}

/// A Terraform diagnostic for an engine diagnostic.
pub fn diagnostic(found: &flows::Diagnostic) -> Diagnostic {
    let diagnostic = match found.severity {
        flows::Severity::Error => Diagnostic::error(&found.summary, &found.detail),
        flows::Severity::Warning => Diagnostic::warning(&found.summary, &found.detail),
    };
    diagnostic.at(attribute_path(&found.path))
}

/// Whether two paths overlap: one lies at or below the other.
pub fn overlaps(a: &AttributePath, b: &AttributePath) -> bool {
    a.starts_with(b) || b.starts_with(a)
}
