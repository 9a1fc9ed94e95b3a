//! A schema-only stand-in for a third-party provider the tests cannot install offline
//! (hashicorp/azurerm, hashicorp/google, PaloAltoNetworks/panos), so that
//! `terraform init` and `terraform test` run on the example folders exactly as shipped.
//!
//! It answers GetProviderSchema with `schema.json` from its own directory (the format of
//! `terraform providers schema -json`, one provider) and accepts every configuration.
//! It plans and applies nothing: the examples' contract suites declare `mock_provider`,
//! which asks the real provider only for its schema and validation, exactly as they
//! would with the real provider installed. So Terraform checks the example's target file
//! against the schema (argument names, types, required arguments, blocks) and the
//! contract checks the locals; nothing here checks what the cloud would accept.
//!
//! Test tooling only: `make build` and the release never build it.

use std::path::PathBuf;

use panorama_provider::plugin;
use panorama_provider::tfproto::tfplugin6 as pb;
use panorama_provider::tfproto::tfplugin6::provider_server::Provider;
use serde_json::Value;
use tonic::{Request, Response, Status};

/// The provider: its schema as Terraform will receive it, or why it could not be read.
struct SchemaStub {
    schema: Result<pb::get_provider_schema::Response, String>,
}

fn nesting(mode: &str) -> Result<i32, String> {
    use pb::schema::nested_block::NestingMode;
    Ok(match mode {
        "single" => NestingMode::Single,
        "list" => NestingMode::List,
        "set" => NestingMode::Set,
        "map" => NestingMode::Map,
        "group" => NestingMode::Group,
        other => return Err(format!("unknown nesting_mode `{other}`")),
    } as i32)
}

fn flag(json: &Value, name: &str) -> bool {
    json[name].as_bool().unwrap_or(false)
}

fn attribute(name: &str, json: &Value) -> Result<pb::schema::Attribute, String> {
    let ty = json.get("type").ok_or_else(|| {
        format!("attribute `{name}` has no `type` (nested_type is not supported)")
    })?;
    Ok(pb::schema::Attribute {
        name: name.to_owned(),
        r#type: serde_json::to_vec(ty).map_err(|e| e.to_string())?,
        description: json["description"].as_str().unwrap_or_default().to_owned(),
        required: flag(json, "required"),
        optional: flag(json, "optional"),
        computed: flag(json, "computed"),
        sensitive: flag(json, "sensitive"),
        deprecated: flag(json, "deprecated"),
        ..Default::default()
    })
}

fn block(json: &Value) -> Result<pb::schema::Block, String> {
    let mut out = pb::schema::Block::default();
    if let Some(attributes) = json["attributes"].as_object() {
        for (name, attr) in attributes {
            out.attributes.push(attribute(name, attr)?);
        }
    }
    if let Some(blocks) = json["block_types"].as_object() {
        for (name, nested) in blocks {
            let mode = nested["nesting_mode"].as_str().unwrap_or_default();
            out.block_types.push(pb::schema::NestedBlock {
                type_name: name.clone(),
                block: Some(block(&nested["block"])?),
                nesting: nesting(mode).map_err(|e| format!("block `{name}`: {e}"))?,
                min_items: nested["min_items"].as_i64().unwrap_or(0),
                max_items: nested["max_items"].as_i64().unwrap_or(0),
            });
        }
    }
    Ok(out)
}

fn schema(json: &Value) -> Result<pb::Schema, String> {
    Ok(pb::Schema {
        version: json["version"].as_i64().unwrap_or(0),
        block: Some(block(&json["block"])?),
    })
}

/// Reads `schema.json` beside the executable: `{"provider_schemas": {ADDRESS: {...}}}`
/// with exactly one provider.
fn load() -> Result<pb::get_provider_schema::Response, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let path: PathBuf = exe.with_file_name("schema.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let providers = json["provider_schemas"]
        .as_object()
        .filter(|p| p.len() == 1)
        .ok_or_else(|| format!("{}: expected one entry in provider_schemas", path.display()))?;
    let Some(provider) = providers.values().next() else {
        return Err(format!("{}: no provider", path.display()));
    };
    let mut response = pb::get_provider_schema::Response {
        provider: Some(schema(&provider["provider"])?),
        ..Default::default()
    };
    if let Some(resources) = provider["resource_schemas"].as_object() {
        for (name, resource) in resources {
            response
                .resource_schemas
                .insert(name.clone(), schema(resource)?);
        }
    }
    Ok(response)
}

fn error(summary: &str, detail: &str) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: pb::diagnostic::Severity::Error as i32,
        summary: summary.to_owned(),
        detail: detail.to_owned(),
        ..Default::default()
    }
}

#[tonic::async_trait]
impl Provider for SchemaStub {
    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(match &self.schema {
            Ok(schema) => schema.clone(),
            Err(why) => pb::get_provider_schema::Response {
                diagnostics: vec![error("Schema stub has no schema", why)],
                ..Default::default()
            },
        }))
    }

    async fn validate_provider_config(
        &self,
        _: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn validate_resource_config(
        &self,
        _: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn configure_provider(
        &self,
        _: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: vec![error(
                "Schema stub cannot be configured",
                "This stand-in only serves a schema; the test must use mock_provider.",
            )],
        }))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        Ok(Response::new(Default::default()))
    }
}

fn main() -> std::process::ExitCode {
    plugin::run(SchemaStub { schema: load() })
}
