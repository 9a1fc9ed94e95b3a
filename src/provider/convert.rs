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

/// Whether two paths overlap: one lies at or below the other.
pub fn overlaps(a: &AttributePath, b: &AttributePath) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

#[cfg(test)]
mod tests {
    use super::*;

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
