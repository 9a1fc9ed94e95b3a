//! The provider's RPC handlers, called directly with wire values (no process, no TLS).

mod wire;

use panorama_provider::provider::FlowMatrixProvider;
use panorama_provider::tfproto::tfplugin6 as pb;
use panorama_provider::tfproto::tfplugin6::provider_server::Provider;
use panorama_provider::tfproto::{msgpack, Type, Value};
use serde_json::json;
use tonic::Request;
use wire::{config, read, typed, validate, wire};

fn value_type() -> Type {
    wire::data_source_type()
}

fn estate() -> serde_json::Value {
    json!({
        "panorama": { "version": "10.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.1"] } }, "b": {} } },
        "firewalls": { "fw": { "version": "10.1", "addresses": ["10.9.0.0/16"] } },
    })
}

/// Replaces the value at `attribute` of the object at `path` by an unknown.
fn with_unknown(mut value: Value, path: &[&str]) -> Value {
    let mut at = &mut value;
    for step in path {
        if let Value::Dynamic(_, inner) = at {
            at = inner;
        }
        at = match at {
            Value::Object(attributes) | Value::Map(attributes) => {
                attributes.get_mut(*step).expect("path exists")
            }
            other => panic!("cannot step into {other:?}"),
        };
    }
    *at = Value::Unknown;
    value
}

#[tokio::test]
async fn read_returns_the_config_with_flows_filled_in() {
    let provider = FlowMatrixProvider::default();
    let response = read(&provider, "panorama_flow_matrix", wire(&config(&estate()))).await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    let state = msgpack::decode_dynamic_value(&response.state.expect("state"), &value_type())
        .expect("state decodes");
    assert!(state.is_known());
    let flows = state
        .get("flows")
        .and_then(Value::as_elements)
        .expect("flows");
    assert!(flows
        .iter()
        .any(|f| f.get("key").and_then(Value::as_str)
            == Some("panorama.a@mgt>panorama.b@mgt:tcp:28260")));
    assert_eq!(
        state
            .get("panorama")
            .and_then(|p| p.get("version"))
            .and_then(Value::as_str),
        Some("10.2")
    );
    assert!(
        state.get("log_collectors").is_some_and(Value::is_null),
        "unset arguments stay null"
    );
    assert_eq!(
        state.get("id").and_then(Value::as_str).map(str::len),
        Some(64)
    );
}

#[tokio::test]
async fn unknown_values_are_not_errors_during_validation() {
    let provider = FlowMatrixProvider::default();
    let unknown_version = with_unknown(config(&estate()), &["panorama", "version"]);
    assert!(validate(&provider, wire(&unknown_version)).await.is_empty());
    let unknown_nodes = with_unknown(config(&estate()), &["panorama", "nodes"]);
    assert!(validate(&provider, wire(&unknown_nodes)).await.is_empty());
}

#[tokio::test]
async fn known_problems_are_reported_next_to_unknown_values() {
    let provider = FlowMatrixProvider::default();
    let mut estate = estate();
    estate["firewalls"]["fw"]["version"] = json!("ten");
    let config = with_unknown(config(&estate), &["panorama", "version"]);
    let diagnostics = validate(&provider, wire(&config)).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].summary, "Invalid version");
    assert_eq!(
        diagnostics[0].severity,
        pb::diagnostic::Severity::Error as i32
    );
    let steps: Vec<_> = diagnostics[0]
        .attribute
        .as_ref()
        .expect("path")
        .steps
        .iter()
        .map(|s| s.selector.clone())
        .collect();
    use pb::attribute_path::step::Selector;
    assert_eq!(
        steps,
        [
            Some(Selector::AttributeName("firewalls".into())),
            Some(Selector::ElementKeyString("fw".into()))
        ]
    );
}

/// The (path, summary) of each diagnostic, the path as Terraform's steps in words.
fn located(diagnostics: &[pb::Diagnostic]) -> Vec<(String, String)> {
    use pb::attribute_path::step::Selector;
    diagnostics
        .iter()
        .map(|d| {
            let steps = d.attribute.iter().flat_map(|a| &a.steps);
            let path: Vec<String> = steps
                .map(|s| match &s.selector {
                    Some(Selector::AttributeName(name)) => format!(".{name}"),
                    Some(Selector::ElementKeyString(key)) => format!("[{key:?}]"),
                    Some(Selector::ElementKeyInt(index)) => format!("[{index}]"),
                    None => "?".into(),
                })
                .collect();
            (path.concat(), d.summary.clone())
        })
        .collect()
}

#[tokio::test]
async fn values_from_typed_variables_are_read_like_written_ones() {
    // `variable "firewalls" { type = map(object({ version = string,
    // addresses = optional(list(string)), collector_group = optional(string) })) }`:
    // Terraform sends a map of objects, unset optional attributes null.
    let provider = FlowMatrixProvider::default();
    let group = Type::object([
        ("version", Type::String),
        ("addresses", Type::list(Type::String)),
        ("collector_group", Type::String),
    ]);
    let firewalls = json!({ "fw": { "version": "10.1", "addresses": ["10.9.0.0/16"], "collector_group": null } });
    let mut config = config(&estate());
    if let Value::Object(attributes) = &mut config {
        attributes.insert("firewalls".into(), typed(&firewalls, Type::map(group)));
    }
    assert_eq!(validate(&provider, wire(&config)).await, []);
    let response = read(&provider, "panorama_flow_matrix", wire(&config)).await;
    assert_eq!(response.diagnostics, []);
    assert!(response.state.is_some());
}

#[tokio::test]
async fn misspelt_and_mistyped_inputs_are_errors_terraform_can_place() {
    let provider = FlowMatrixProvider::default();
    let mut estate = estate();
    estate["firewalls"]["fw"]["colector_group"] = json!("cg");
    estate["panorama"]["version"] = json!(10.1);
    let diagnostics = validate(&provider, wire(&config(&estate))).await;
    assert_eq!(
        located(&diagnostics),
        [
            (
                r#".firewalls["fw"]"#.to_owned(),
                "Unknown attribute".to_owned()
            ),
            (".panorama".to_owned(), "Incorrect value type".to_owned()),
        ]
    );
    assert!(diagnostics[0]
        .detail
        .starts_with(r#"firewalls["fw"].colector_group: There is no attribute `colector_group` here. Did you mean `collector_group`?"#));
    assert!(diagnostics[1]
        .detail
        .starts_with("panorama.version: Found the number `10.1`, but `version` takes a string."));
}

#[tokio::test]
async fn malformed_wire_input_is_a_diagnostic() {
    let provider = FlowMatrixProvider::default();
    for bytes in [&b""[..], b"\xc1", b"\x92\x01", b"\x81\xa8panorama\xc0\xc0"] {
        let config = pb::DynamicValue {
            msgpack: bytes.to_vec(),
            json: Vec::new(),
        };
        let response = read(&provider, "panorama_flow_matrix", config.clone()).await;
        assert!(response.state.is_none());
        assert_eq!(response.diagnostics.len(), 1, "{bytes:?}");
        assert_eq!(validate(&provider, config).await.len(), 1);
    }
}

#[tokio::test]
async fn json_encoded_configuration_is_accepted() {
    let provider = FlowMatrixProvider::default();
    let config = pb::DynamicValue {
        msgpack: Vec::new(),
        json: serde_json::to_vec(&config(&estate()).to_json()).expect("json"),
    };
    let response = read(&provider, "panorama_flow_matrix", config).await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert!(response.state.is_some());
}

#[tokio::test]
async fn unknown_data_source_is_an_error() {
    let provider = FlowMatrixProvider::default();
    let response = read(&provider, "panorama_nope", wire(&config(&estate()))).await;
    assert_eq!(response.diagnostics.len(), 1);
    assert!(response.diagnostics[0]
        .detail
        .contains("panorama_flow_matrix"));
}

#[tokio::test]
async fn stop_provider_leaves_the_server_usable() {
    let provider = FlowMatrixProvider::default();
    let stopped = provider
        .stop_provider(Request::new(pb::stop_provider::Request {}))
        .await
        .expect("answers");
    assert_eq!(stopped.into_inner().error, "");
    let response = read(&provider, "panorama_flow_matrix", wire(&config(&estate()))).await;
    assert!(
        response.state.is_some(),
        "reads after StopProvider still work"
    );
}

#[tokio::test]
async fn schema_and_metadata_advertise_the_data_source() {
    let provider = FlowMatrixProvider::default();
    let schema = provider
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .expect("answers")
        .into_inner();
    assert!(schema.diagnostics.is_empty());
    assert!(
        schema
            .server_capabilities
            .expect("capabilities")
            .get_provider_schema_optional
    );
    let block = schema.data_source_schemas["panorama_flow_matrix"]
        .block
        .clone()
        .expect("block");
    let names: Vec<&str> = block.attributes.iter().map(|a| a.name.as_str()).collect();
    for name in [
        "panorama",
        "log_collectors",
        "firewalls",
        "wildfire",
        "cortex_data_lake",
        "services",
        "id",
        "flows",
        "ingress_rules",
        "egress_rules",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let metadata = provider
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(metadata.data_sources[0].type_name, "panorama_flow_matrix");
}
