//! Renders Terraform Registry pages (`docs/`) from templates (`templates/`), example files
//! and one provider's entry of `terraform providers schema -json`, the way HashiCorp's
//! tfplugindocs does: same layout, same `## Schema` lists, same nested-schema anchors.
//!
//! The data source's inputs are `dynamic` attributes, of which Terraform's schema knows
//! only the type `dynamic`; [`with_model_inputs`] puts in their place the full nested
//! structure from the estate's JSON Schema (`panorama_provider::flows::schema`), so the
//! page lists every input attribute with its type and description.
//!
//! Templates are Markdown with a few tfplugindocs placeholders, so they stay valid
//! tfplugindocs templates:
//!
//! - `{{ .Description | trimspace }}`: the schema's description of the page's block;
//! - `{{ .Description | trimspace | prefixlines "  " }}`: the same, for YAML front matter;
//! - `{{ .SchemaMarkdown | trimspace }}`: the `## Schema` section;
//! - `{{ tffile "PATH" }}`: the file at PATH (from the repository root) as a terraform block.
//!
//! Function pages (`templates/functions/<name>.md.tmpl`) take `{{ .Name }}`,
//! `{{ .Summary | trimspace }}` (and `| prefixlines "  "`), `{{ .Description | trimspace }}`,
//! `{{ .FunctionSignatureMarkdown }}` and `{{ .FunctionArgumentsMarkdown }}`, from the
//! function's entry of the schema.

use std::path::Path;

use panorama_provider::flows::schema::{Field, Shape};
use serde_json::{json, Map, Value};

/// One generated file.
#[derive(Debug)]
pub struct Page {
    /// Path from the repository root, e.g. `docs/data-sources/flow_matrix.md`.
    pub path: String,
    /// The whole file.
    pub text: String,
}

/// Schema lists of the provider entry that get one page each: (JSON key, `docs/`
/// subdirectory, what the page calls the block).
const KINDS: [(&str, &str, &str); 2] = [
    ("data_source_schemas", "data-sources", "data source"),
    ("resource_schemas", "resources", "resource"),
];

/// Every page of the provider: `docs/index.md` from `templates/index.md.tmpl`, then
/// `docs/<kind>/<name>.md` from `templates/<kind>/<name>.md.tmpl` per data source and
/// resource, `<name>` being the type name without `<provider>_`, and
/// `docs/functions/<name>.md` from `templates/functions/<name>.md.tmpl` per function.
pub fn pages(provider: &Value, provider_name: &str, root: &Path) -> Result<Vec<Page>, String> {
    let mut pages = vec![page(
        root,
        "index.md",
        &provider["provider"]["block"],
        "provider",
    )?];
    for (key, dir, what) in KINDS {
        for (type_name, schema) in sorted(provider.get(key).and_then(Value::as_object)) {
            let short = type_name
                .strip_prefix(&format!("{provider_name}_"))
                .unwrap_or(type_name);
            pages.push(page(
                root,
                &format!("{dir}/{short}.md"),
                &schema["block"],
                what,
            )?);
        }
    }
    for (name, function) in sorted(provider.get("functions").and_then(Value::as_object)) {
        pages.push(function_page(root, name, function)?);
    }
    Ok(pages)
}

fn page(root: &Path, name: &str, block: &Value, what: &str) -> Result<Page, String> {
    let description = description(block);
    let schema = schema_markdown(block, what).map_err(|e| format!("{name}: {e}"))?;
    fill(root, name, |placeholder| match placeholder {
        ".Description | trimspace" => Some(description.clone()),
        ".Description | trimspace | prefixlines \"  \"" => Some(prefixed(&description)),
        ".SchemaMarkdown | trimspace" => Some(schema.trim().to_owned()),
        _ => None,
    })
}

/// The page of function `name` (its entry of `functions` in the schema).
fn function_page(root: &Path, name: &str, function: &Value) -> Result<Page, String> {
    let text = |key: &str| function[key].as_str().unwrap_or_default().trim().to_owned();
    let (summary, description) = (text("summary"), text("description"));
    let signature = signature_markdown(name, function)?;
    let arguments = arguments_markdown(function)?;
    fill(
        root,
        &format!("functions/{name}.md"),
        |placeholder| match placeholder {
            ".Name" => Some(name.to_owned()),
            ".Summary | trimspace" => Some(summary.clone()),
            ".Summary | trimspace | prefixlines \"  \"" => Some(prefixed(&summary)),
            ".Description | trimspace" => Some(description.clone()),
            ".FunctionSignatureMarkdown" => Some(signature.clone()),
            ".FunctionArgumentsMarkdown" => Some(arguments.clone()),
            _ => None,
        },
    )
}

/// `text` with every line indented by two spaces, for YAML front matter.
fn prefixed(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page `docs/NAME` from `templates/NAME.tmpl`, each placeholder replaced by what
/// `value` gives for it, or by the file `tffile` names.
fn fill(root: &Path, name: &str, value: impl Fn(&str) -> Option<String>) -> Result<Page, String> {
    let template_path = format!("templates/{name}.tmpl");
    let template = std::fs::read_to_string(root.join(&template_path))
        .map_err(|e| format!("cannot read {template_path} (every page needs one): {e}"))?;
    let mut text = String::new();
    let mut rest = template.as_str();
    while let Some(start) = rest.find("{{") {
        let end = rest[start..]
            .find("}}")
            .ok_or_else(|| format!("{template_path}: `{{{{` without `}}}}`"))?
            + start;
        text.push_str(&rest[..start]);
        let placeholder = rest[start + 2..end].trim();
        text.push_str(
            &match (value(placeholder), placeholder.strip_prefix("tffile ")) {
                (Some(value), _) => value,
                (None, Some(file)) => terraform_file(root, file.trim().trim_matches('"'))?,
                (None, None) => {
                    return Err(format!(
                        "{template_path}: unknown placeholder `{{{{ {placeholder} }}}}`"
                    ))
                }
            },
        );
        rest = &rest[end + 2..];
    }
    text.push_str(rest);
    Ok(Page {
        path: format!("docs/{name}"),
        text: format!("{}\n", text.trim_end()),
    })
}

fn terraform_file(root: &Path, file: &str) -> Result<String, String> {
    let content = std::fs::read_to_string(root.join(file))
        .map_err(|e| format!("cannot read example {file}: {e}"))?;
    Ok(format!("```terraform\n{}\n```", content.trim()))
}

/// The entries of a JSON object sorted by key, whatever order serde_json keeps.
fn sorted(object: Option<&Map<String, Value>>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = object.into_iter().flatten().collect();
    entries.sort_by_key(|(name, _)| *name);
    entries
}

/// A description, trimmed, its paragraphs turned into line breaks so it stays inside
/// one list item (as tfplugindocs does).
fn description(node: &Value) -> String {
    let text = node["description"].as_str().unwrap_or_default().trim();
    let mut out = String::new();
    for (i, paragraph) in text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .enumerate()
    {
        if i > 0 {
            out.push_str("  \n");
        }
        out.push_str(paragraph.trim());
    }
    out
}

/// Replaces the `dynamic` input attributes of `block` (a data source's block of
/// `terraform providers schema -json`) by their structure in the model: nested
/// attributes where the input holds objects, else the shape's type name.
pub fn with_model_inputs(block: &mut Value, inputs: &[Field]) -> Result<(), String> {
    let attributes = block["attributes"]
        .as_object_mut()
        .ok_or("the block has no attributes")?;
    for field in inputs {
        let attribute = attributes
            .get_mut(&field.name)
            .ok_or_else(|| format!("the schema has no input `{}`", field.name))?;
        if attribute["type"] != "dynamic" {
            return Err(format!("the input `{}` is not dynamic", field.name));
        }
        *attribute = model_attribute(field);
    }
    Ok(())
}

/// A model field as an attribute of `terraform providers schema -json`, with the shape's
/// type name under `label` where Terraform has no type for it (a list or a map).
fn model_attribute(field: &Field) -> Value {
    let usage = if field.required {
        "required"
    } else {
        "optional"
    };
    let mut attribute = json!({ "description": field.description, usage: true });
    let nesting = match &field.shape {
        Shape::Object(fields) => Some(("single", fields)),
        Shape::Map(element) | Shape::List(element) => match &**element {
            Shape::Object(fields) => Some((
                if matches!(field.shape, Shape::Map(_)) {
                    "map"
                } else {
                    "list"
                },
                fields,
            )),
            _ => None,
        },
        _ => None,
    };
    match nesting {
        Some((mode, fields)) => {
            let inner: Map<String, Value> = fields
                .iter()
                .map(|f| (f.name.clone(), model_attribute(f)))
                .collect();
            attribute["nested_type"] = json!({ "nesting_mode": mode, "attributes": inner });
        }
        None => attribute["label"] = json!(field.shape.label()),
    }
    attribute
}

fn flag(attribute: &Value, name: &str) -> bool {
    attribute[name].as_bool().unwrap_or(false)
}

/// The `## Schema` section of a block.
pub fn schema_markdown(block: &Value, what: &str) -> Result<String, String> {
    if block["block_types"]
        .as_object()
        .is_some_and(|b| !b.is_empty())
    {
        return Err("nested blocks are not supported: use nested attributes".into());
    }
    let mut out = String::from(
        "<!-- schema generated by `make docs` from `terraform providers schema -json` and the estate's JSON Schema -->\n\
         ## Schema\n\n",
    );
    match block["attributes"].as_object() {
        Some(attributes) if !attributes.is_empty() => {
            write_attributes(&mut out, &[], attributes)?;
        }
        _ => out.push_str(&format!("This {what} takes no arguments.\n")),
    }
    Ok(out)
}

/// Section titles at the top level and inside a nested schema; an attribute belongs to
/// the first group it matches: required, optional (computed or not), computed only.
const GROUPS: [(&str, &str); 3] = [
    ("### Required", "Required:"),
    ("### Optional", "Optional:"),
    ("### Read-Only", "Read-Only:"),
];

fn group(attribute: &Value) -> usize {
    if flag(attribute, "required") {
        0
    } else if flag(attribute, "optional") {
        1
    } else {
        2
    }
}

/// Lists `attributes` (at `parents`) by group, then one `Nested Schema` section per
/// nested attribute, depth first; every part ends with one blank line.
fn write_attributes(
    out: &mut String,
    parents: &[&str],
    attributes: &Map<String, Value>,
) -> Result<(), String> {
    let mut nested = Vec::new();
    for (index, (top_title, nested_title)) in GROUPS.iter().enumerate() {
        let members: Vec<_> = sorted(Some(attributes))
            .into_iter()
            .filter(|(_, attribute)| group(attribute) == index)
            .collect();
        if members.is_empty() {
            continue;
        }
        out.push_str(if parents.is_empty() {
            top_title
        } else {
            nested_title
        });
        out.push_str("\n\n");
        for (name, attribute) in members {
            let mut path = parents.to_vec();
            path.push(name);
            out.push_str(&format!("- `{name}` ({}", type_label(attribute)?));
            if flag(attribute, "sensitive") {
                out.push_str(", Sensitive");
            }
            if flag(attribute, "deprecated") {
                out.push_str(", Deprecated");
            }
            out.push(')');
            let text = description(attribute);
            if !text.is_empty() {
                out.push(' ');
                out.push_str(&text);
            }
            if let Some(inner) = attribute["nested_type"]["attributes"].as_object() {
                out.push_str(&format!(
                    " (see [below for nested schema](#nestedatt--{}))",
                    path.join("--")
                ));
                nested.push((path, inner));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    for (path, inner) in nested {
        out.push_str(&format!(
            "<a id=\"nestedatt--{}\"></a>\n### Nested Schema for `{}`\n\n",
            path.join("--"),
            path.join(".")
        ));
        write_attributes(out, &path, inner)?;
    }
    Ok(())
}

/// `Attributes`, `Attributes List`, `Attributes Map`, `Attributes Set` for nested
/// attributes, the model's type name for an input, else the name of the type.
fn type_label(attribute: &Value) -> Result<String, String> {
    if let Some(label) = attribute["label"].as_str() {
        return Ok(label.to_owned());
    }
    match attribute["nested_type"]["nesting_mode"].as_str() {
        Some("single") => Ok("Attributes".into()),
        Some("list") => Ok("Attributes List".into()),
        Some("set") => Ok("Attributes Set".into()),
        Some("map") => Ok("Attributes Map".into()),
        Some(other) => Err(format!("unknown nesting mode `{other}`")),
        None => type_name(&attribute["type"]),
    }
}

/// A type as tfplugindocs names it: `String`, `Number`, `Boolean`, `List of String`,
/// `Map of List of String`, `Object`...
fn type_name(ty: &Value) -> Result<String, String> {
    let name = match ty {
        Value::String(primitive) => match primitive.as_str() {
            "string" => "String",
            "number" => "Number",
            "bool" => "Boolean",
            "dynamic" => "Dynamic",
            other => return Err(format!("unknown type `{other}`")),
        }
        .to_owned(),
        Value::Array(parts) => match (parts.first().and_then(Value::as_str), parts.get(1)) {
            (Some("list"), Some(element)) => format!("List of {}", type_name(element)?),
            (Some("set"), Some(element)) => format!("Set of {}", type_name(element)?),
            (Some("map"), Some(element)) => format!("Map of {}", type_name(element)?),
            (Some("object"), _) => "Object".into(),
            (Some("tuple"), _) => "Tuple".into(),
            _ => return Err(format!("unknown type `{ty}`")),
        },
        _ => return Err(format!("unknown type `{ty}`")),
    };
    Ok(name)
}

/// The `## Signature` block of a function: `name(parameter type, ...) type`, as
/// tfplugindocs writes it.
pub fn signature_markdown(name: &str, function: &Value) -> Result<String, String> {
    let parameters = function["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default();
            Ok(format!("{name} {}", signature_type(&p["type"])?))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(format!(
        "<!-- signature generated by `make docs` from `terraform providers schema -json` -->\n```text\n{name}({}) {}\n```",
        parameters.join(", "),
        signature_type(&function["return_type"])?
    ))
}

/// A type as a function signature writes it: `string`, `dynamic`, `map of string`,
/// `object`.
fn signature_type(ty: &Value) -> Result<String, String> {
    Ok(match ty {
        Value::String(primitive) => primitive.clone(),
        Value::Array(parts) => match (parts.first().and_then(Value::as_str), parts.get(1)) {
            (Some(kind @ ("list" | "set" | "map")), Some(element)) => {
                format!("{kind} of {}", signature_type(element)?)
            }
            (Some(kind @ ("object" | "tuple")), _) => kind.to_owned(),
            _ => return Err(format!("unknown type `{ty}`")),
        },
        _ => return Err(format!("unknown type `{ty}`")),
    })
}

/// The `## Arguments` list of a function: one numbered item per parameter, its type and
/// description (whose further lines are indented to stay inside the item).
pub fn arguments_markdown(function: &Value) -> Result<String, String> {
    let mut out = String::from(
        "<!-- arguments generated by `make docs` from `terraform providers schema -json` -->\n",
    );
    for (index, parameter) in function["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = parameter["name"].as_str().unwrap_or_default();
        let mut lines = parameter["description"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .lines();
        let first = lines.next().unwrap_or_default();
        out.push_str(&format!(
            "{}. `{name}` ({}) {first}\n",
            index + 1,
            type_name(&parameter["type"])?
        ));
        for line in lines {
            match line.is_empty() {
                true => out.push('\n'),
                false => out.push_str(&format!("   {line}\n")),
            }
        }
    }
    Ok(out.trim_end().to_owned())
}

/// Every place of the provider's schema the docs would leave without a description: data
/// sources and resources without one, attributes (at any depth) without one, attributes
/// of object type, whose fields cannot carry descriptions, and functions without a
/// summary, a description, or a description of each parameter.
pub fn undocumented(provider: &Value) -> Vec<String> {
    let mut found = Vec::new();
    undocumented_attributes(&provider["provider"]["block"], "provider", &mut found);
    for (key, _, what) in KINDS {
        for (type_name, schema) in sorted(provider.get(key).and_then(Value::as_object)) {
            if description(&schema["block"]).is_empty() {
                found.push(format!("{type_name} (the {what} itself)"));
            }
            undocumented_attributes(&schema["block"], type_name, &mut found);
        }
    }
    for (name, function) in sorted(provider.get("functions").and_then(Value::as_object)) {
        for part in ["summary", "description"] {
            if description(&json!({ "description": function[part] })).is_empty() {
                found.push(format!("{name} (the function's {part})"));
            }
        }
        for parameter in function["parameters"].as_array().into_iter().flatten() {
            if description(parameter).is_empty() {
                found.push(format!(
                    "{name}({})",
                    parameter["name"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    found
}

fn undocumented_attributes(block: &Value, at: &str, found: &mut Vec<String>) {
    for (name, attribute) in sorted(block["attributes"].as_object()) {
        let path = format!("{at}.{name}");
        if description(attribute).is_empty() {
            found.push(path.clone());
        }
        if has_object_type(&attribute["type"]) {
            found.push(format!(
                "{path} (an object type: its fields cannot carry descriptions)"
            ));
        }
        undocumented_attributes(&attribute["nested_type"], &path, found);
    }
}

fn has_object_type(ty: &Value) -> bool {
    match ty.as_array().map(Vec::as_slice) {
        Some([kind, ..]) if kind == "object" => true,
        Some([_, element]) => has_object_type(element),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block() -> Value {
        json!({
            "description": "A thing.",
            "attributes": {
                "zone": { "type": "string", "description": "Where.", "required": true },
                "tags": { "type": ["map", ["list", "string"]], "description": "Tags.", "optional": true },
                "secret": { "type": "string", "description": "Key.", "optional": true, "sensitive": true },
                "id": { "type": "string", "description": "Digest.\n\nChanges with it.", "computed": true },
                "outer": {
                    "nested_type": {
                        "nesting_mode": "map",
                        "attributes": {
                            "on": { "type": "bool", "description": "Flag.", "optional": true },
                            "inner": {
                                "nested_type": {
                                    "nesting_mode": "list",
                                    "attributes": {
                                        "port": { "type": "number", "description": "Port.", "computed": true }
                                    }
                                },
                                "description": "Inner.",
                                "computed": true
                            }
                        }
                    },
                    "description": "Outer.",
                    "optional": true
                }
            }
        })
    }

    #[test]
    fn renders_groups_types_and_nested_sections_like_tfplugindocs() {
        let markdown = schema_markdown(&block(), "data source").unwrap();
        let expected = "\
<!-- schema generated by `make docs` from `terraform providers schema -json` and the estate's JSON Schema -->
## Schema

### Required

- `zone` (String) Where.

### Optional

- `outer` (Attributes Map) Outer. (see [below for nested schema](#nestedatt--outer))
- `secret` (String, Sensitive) Key.
- `tags` (Map of List of String) Tags.

### Read-Only

- `id` (String) Digest.  \nChanges with it.

<a id=\"nestedatt--outer\"></a>
### Nested Schema for `outer`

Optional:

- `on` (Boolean) Flag.

Read-Only:

- `inner` (Attributes List) Inner. (see [below for nested schema](#nestedatt--outer--inner))

<a id=\"nestedatt--outer--inner\"></a>
### Nested Schema for `outer.inner`

Read-Only:

- `port` (Number) Port.

";
        assert_eq!(markdown, expected);
    }

    #[test]
    fn an_empty_block_takes_no_arguments() {
        let markdown = schema_markdown(&json!({ "description_kind": "markdown" }), "provider");
        assert!(markdown
            .unwrap()
            .ends_with("## Schema\n\nThis provider takes no arguments.\n"));
    }

    #[test]
    fn finds_every_undocumented_place() {
        let provider = json!({
            "provider": { "block": { "attributes": { "token": { "type": "string", "optional": true } } } },
            "data_source_schemas": {
                "x_thing": {
                    "block": {
                        "attributes": {
                            "ok": { "type": "string", "description": "Fine.", "computed": true },
                            "blank": { "type": "string", "description": "  ", "computed": true },
                            "rows": { "type": ["list", ["object", { "a": "string" }]], "description": "Rows.", "computed": true },
                            "outer": {
                                "nested_type": { "nesting_mode": "single", "attributes": {
                                    "bare": { "type": "number", "optional": true }
                                } },
                                "description": "Outer.",
                                "optional": true
                            }
                        }
                    }
                }
            }
        });
        assert_eq!(
            undocumented(&provider),
            [
                "provider.token",
                "x_thing (the data source itself)",
                "x_thing.blank",
                "x_thing.outer.bare",
                "x_thing.rows (an object type: its fields cannot carry descriptions)",
            ]
        );
    }

    #[test]
    fn fills_tfplugindocs_placeholders_and_refuses_others() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("templates/data-sources")).unwrap();
        std::fs::write(
            root.path().join("example.tf"),
            "\ndata \"x_thing\" \"a\" {}\n\n",
        )
        .unwrap();
        let template = "---\ndescription: |-\n{{ .Description | trimspace | prefixlines \"  \" }}\n---\n\n\
                        {{ .Description | trimspace }}\n\n{{ tffile \"example.tf\" }}\n\n{{ .SchemaMarkdown | trimspace }}\n\n";
        std::fs::write(
            root.path().join("templates/data-sources/thing.md.tmpl"),
            template,
        )
        .unwrap();
        std::fs::write(root.path().join("templates/index.md.tmpl"), "# x\n").unwrap();
        let provider = json!({
            "provider": { "block": {} },
            "data_source_schemas": { "x_thing": { "block": {
                "description": "Line one.\nLine two.",
                "attributes": { "a": { "type": "string", "description": "A.", "computed": true } }
            } } }
        });
        let pages = pages(&provider, "x", root.path()).unwrap();
        assert_eq!(pages[0].path, "docs/index.md");
        assert_eq!(pages[1].path, "docs/data-sources/thing.md");
        assert_eq!(
            pages[1].text,
            "---\ndescription: |-\n  Line one.\n  Line two.\n---\n\nLine one.\nLine two.\n\n\
             ```terraform\ndata \"x_thing\" \"a\" {}\n```\n\n\
             <!-- schema generated by `make docs` from `terraform providers schema -json` and the estate's JSON Schema -->\n\
             ## Schema\n\n### Read-Only\n\n- `a` (String) A.\n"
        );
        std::fs::write(root.path().join("templates/index.md.tmpl"), "{{ .Name }}\n").unwrap();
        let error = pages_error(&provider, root.path());
        assert_eq!(
            error,
            "templates/index.md.tmpl: unknown placeholder `{{ .Name }}`"
        );
    }

    #[test]
    fn model_inputs_replace_dynamic_attributes() {
        let inner = Field {
            name: "addresses".into(),
            required: false,
            description: "Where.".into(),
            aliases: Vec::new(),
            shape: Shape::Either(vec![
                Shape::List(Box::new(Shape::String)),
                Shape::Map(Box::new(Shape::String)),
            ]),
        };
        let input = Field {
            name: "groups".into(),
            required: true,
            description: "Groups.".into(),
            aliases: Vec::new(),
            shape: Shape::Map(Box::new(Shape::Object(vec![inner]))),
        };
        let mut block = json!({ "attributes": {
            "groups": { "type": "dynamic", "description": "Groups. Outline...", "required": true },
            "id": { "type": "string", "description": "Digest.", "computed": true }
        } });
        with_model_inputs(&mut block, std::slice::from_ref(&input)).unwrap();
        let markdown = schema_markdown(&block, "data source").unwrap();
        assert!(markdown.contains("- `groups` (Attributes Map) Groups. (see [below for nested schema](#nestedatt--groups))\n"), "{markdown}");
        assert!(
            markdown
                .contains("Optional:\n\n- `addresses` (List of String or Map of String) Where.\n"),
            "{markdown}"
        );
        let mut not_dynamic = json!({ "attributes": { "groups": { "type": "string" } } });
        assert!(with_model_inputs(&mut not_dynamic, &[input]).is_err());
    }

    #[test]
    fn renders_function_signatures_and_arguments_like_tfplugindocs() {
        let function = json!({
            "summary": "Splits.",
            "description": "Splits rules.",
            "return_type": ["map", "string"],
            "parameters": [
                { "name": "rules", "type": "dynamic", "description": "The rules:\n\n- one\n- two" },
                { "name": "limit", "type": "number", "description": "At most." }
            ]
        });
        let signature = signature_markdown("chunk", &function).unwrap();
        assert!(
            signature.ends_with("```text\nchunk(rules dynamic, limit number) map of string\n```"),
            "{signature}"
        );
        let arguments = arguments_markdown(&function).unwrap();
        assert!(
            arguments.ends_with("\n1. `rules` (Dynamic) The rules:\n\n   - one\n   - two\n2. `limit` (Number) At most."),
            "{arguments}"
        );
        let provider = json!({
            "provider": { "block": {} },
            "functions": { "chunk": function, "bare": { "summary": "", "parameters": [{ "name": "x", "type": "string" }] } }
        });
        assert_eq!(
            undocumented(&provider),
            [
                "bare (the function's summary)",
                "bare (the function's description)",
                "bare(x)"
            ]
        );
    }

    fn pages_error(provider: &Value, root: &Path) -> String {
        pages(provider, "x", root).unwrap_err()
    }
}
