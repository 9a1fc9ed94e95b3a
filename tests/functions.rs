//! The provider-defined functions through the provider's RPC handlers: what Terraform
//! learns of them (GetProviderSchema, GetFunctions, GetMetadata) and what CallFunction
//! answers, with wire values as Terraform sends them.

mod wire;

use panorama_provider::provider::{schema, FlowMatrixProvider};
use panorama_provider::tfproto::tfplugin6 as pb;
use panorama_provider::tfproto::tfplugin6::provider_server::Provider;
use panorama_provider::tfproto::{msgpack, Type, Value};
use serde_json::json;
use tonic::Request;
use wire::{argument, call, written};

/// Msgpack for a value Terraform does not know yet, as the provider writes it.
const UNKNOWN: &[u8] = &[0xd4, 0x00, 0x00];

fn estate() -> serde_json::Value {
    json!({
        "panorama": { "version": "10.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.10"] } } } },
        "firewalls": { "branches": { "version": "10.1", "addresses": ["10.20.0.0/16"] } },
    })
}

fn elements<'v>(value: &'v Value, name: &str) -> &'v [Value] {
    value
        .get(name)
        .and_then(Value::as_elements)
        .unwrap_or_else(|| panic!("{name} is a known list: {value:?}"))
}

#[tokio::test]
async fn terraform_learns_both_functions_and_their_signatures() {
    let provider = FlowMatrixProvider::default();
    let functions = provider
        .get_functions(Request::new(pb::get_functions::Request {}))
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(functions.diagnostics, []);
    let schema = provider
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(schema.functions, functions.functions);
    let mut names: Vec<&String> = functions.functions.keys().collect();
    names.sort();
    assert_eq!(names, ["chunk_rules", "flow_matrix"]);

    let flow_matrix = &functions.functions["flow_matrix"];
    let [estate] = flow_matrix.parameters.as_slice() else {
        panic!("one parameter")
    };
    assert_eq!(estate.name, "estate");
    assert_eq!(estate.r#type, b"\"dynamic\"");
    assert!(estate.allow_unknown_values && !estate.allow_null_value);
    assert!(!flow_matrix.summary.is_empty() && !flow_matrix.description.is_empty());
    // The result is exactly the data source's computed attributes.
    let returns = flow_matrix.r#return.as_ref().expect("a return type");
    let returns = Type::from_json_bytes(&returns.r#type).expect("a type");
    let Type::Object(state) = wire::data_source_type() else {
        panic!("an object")
    };
    let computed = schema::computed_attribute_names().expect("names");
    assert_eq!(
        returns,
        Type::Object(
            state
                .into_iter()
                .filter(|(name, _)| computed.contains(name))
                .collect()
        )
    );

    let chunk_rules = &functions.functions["chunk_rules"];
    let names: Vec<&str> = chunk_rules
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["rules", "limit"]);

    let metadata = provider
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .expect("answers")
        .into_inner();
    let names: Vec<&str> = metadata.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["chunk_rules", "flow_matrix"]);
}

#[tokio::test]
async fn every_argument_unknown_gives_an_unknown_result_and_no_error() {
    let provider = FlowMatrixProvider::default();
    let unknown = |ty: &Type| argument(&Value::Unknown, ty);
    let response = call(&provider, "flow_matrix", vec![unknown(&Type::Dynamic)]).await;
    assert_eq!(response.error, None);
    assert_eq!(response.result.expect("a result").msgpack, UNKNOWN);
    let response = call(
        &provider,
        "chunk_rules",
        vec![unknown(&Type::Dynamic), unknown(&Type::Number)],
    )
    .await;
    assert_eq!(response.error, None);
    assert_eq!(response.result.expect("a result").msgpack, UNKNOWN);
    // An estate of a known type whose value is unknown, as during `terraform validate`.
    let typed = Value::Dynamic(wire::written_type(&estate()), Box::new(Value::Unknown));
    let response = call(
        &provider,
        "flow_matrix",
        vec![argument(&typed, &Type::Dynamic)],
    )
    .await;
    assert_eq!(
        (response.error, response.result.map(|r| r.msgpack)),
        (None, Some(UNKNOWN.to_vec()))
    );
}

#[tokio::test]
async fn the_result_equals_the_data_source_state() {
    let provider = FlowMatrixProvider::default();
    let result = wire::flow_matrix(&provider, &written(&estate()))
        .await
        .expect("no error");
    let state = wire::data_source_state(&provider, &estate()).await;
    let Value::Object(result) = result else {
        panic!("an object")
    };
    for (name, value) in &result {
        assert_eq!(state.get(name), Some(value), "{name}");
    }
    assert!(!elements(&state, "ingress_rules").is_empty());
}

#[tokio::test]
async fn an_address_known_after_apply_plans_keys_and_leaves_its_cidrs_unknown() {
    let provider = FlowMatrixProvider::default();
    let mut estate = estate();
    estate["panorama"]["nodes"]["a"]["addresses"]["mgt"] = json!(["<unknown>"]);
    let result = wire::flow_matrix(&provider, &written(&estate))
        .await
        .expect("no error");
    assert!(result.get("id").is_some_and(Value::is_unknown));
    let egress = elements(&result, "egress_rules");
    let to_panorama = egress
        .iter()
        .find(|r| {
            r.get("key").and_then(Value::as_str)
                == Some("firewall.branches>panorama.a@mgt:tcp:3978")
        })
        .expect("the firewall group's rule to Panorama, by its known key");
    assert!(to_panorama.get("cidr_ipv4").is_some_and(Value::is_unknown));
    assert!(to_panorama.get("cidr_ipv6").is_some_and(Value::is_unknown));
    let ingress = elements(&result, "ingress_rules");
    assert!(ingress
        .iter()
        .all(|r| r.get("cidr_ipv4").and_then(Value::as_str) == Some("10.20.0.0/16")));

    // What apply computes once the address is known, from the data source.
    estate["panorama"]["nodes"]["a"]["addresses"]["mgt"] = json!(["10.0.0.10"]);
    let state = wire::data_source_state(&provider, &estate).await;
    let Value::Object(state) = state else {
        panic!("an object")
    };
    let Type::Object(outputs) = schema::outputs_type().expect("outputs") else {
        panic!("an object")
    };
    let applied = Value::Object(
        state
            .into_iter()
            .filter(|(name, _)| outputs.contains_key(name))
            .collect(),
    );
    wire::assert_conforms(&result, &applied);
}

#[tokio::test]
async fn errors_name_the_argument_and_every_path_inside_it() {
    let provider = FlowMatrixProvider::default();
    let mut estate = estate();
    estate["firewalls"]["branches"]["version"] = json!("ten");
    estate["firewalls"]["branches"]["colector_group"] = json!("east");
    estate["panorama"]["nodes"]["a"]["addresses"]["mgt"] = json!(["x".repeat(500)]);
    let error = wire::flow_matrix(&provider, &written(&estate))
        .await
        .expect_err("an error");
    assert_eq!(error.function_argument, Some(0));
    let lines: Vec<&str> = error.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", error.text);
    assert!(lines[0].starts_with("estate.firewalls[\"branches\"].colector_group: Unknown attribute: There is no attribute `colector_group` here. Did you mean `collector_group`?"), "{}", lines[0]);
    assert!(
        lines[2].starts_with("estate.firewalls[\"branches\"].version: Invalid version: `ten`"),
        "{}",
        lines[2]
    );
    assert!(
        lines[1].starts_with(
            "estate.panorama.nodes[\"a\"].addresses[\"mgt\"][0]: Invalid address: `xxx"
        ),
        "{}",
        lines[1]
    );
    assert!(
        !lines[1].contains(&"x".repeat(81)),
        "values are cut to 80 characters"
    );
    assert!(!error.text.ends_with('.'), "Terraform adds the period");
    // The top-level names of the estate are checked too.
    let typo = json!({ "panorama": estate["panorama"], "firewall": {} });
    let error = wire::flow_matrix(&provider, &written(&typo))
        .await
        .expect_err("an error");
    assert!(error.text.starts_with("estate.firewall: Unknown attribute: There is no attribute `firewall` here. Did you mean `firewalls`?"), "{}", error.text);
    let error = wire::flow_matrix(&provider, &written(&json!("panorama")))
        .await
        .expect_err("an error");
    assert!(
        error
            .text
            .starts_with("estate: Incorrect value type: Found the string"),
        "{}",
        error.text
    );
}

#[tokio::test]
async fn a_selection_leaves_the_other_outputs_null_as_in_the_data_source() {
    let provider = FlowMatrixProvider::default();
    let mut estate = estate();
    estate["views"] = json!(["egress_rules", "flows_mermaid"]);
    estate["appliances"] = json!(["firewall.*"]);
    let result = wire::flow_matrix(&provider, &written(&estate))
        .await
        .expect("no error");
    let state = wire::data_source_state(&provider, &estate).await;
    for name in ["flows", "ingress_rules", "grouped_rules", "flows_markdown"] {
        assert_eq!(result.get(name), Some(&Value::Null), "{name}");
    }
    let Value::Object(outputs) = &result else {
        panic!("an object")
    };
    for (name, value) in outputs {
        assert_eq!(state.get(name), Some(value), "{name}");
    }
    let egress = elements(&result, "egress_rules");
    assert!(!egress.is_empty());
    assert!(egress
        .iter()
        .all(|r| r.get("appliance").and_then(Value::as_str) == Some("firewall.branches")));

    estate["appliances"] = json!(["firewall.branch"]);
    let error = wire::flow_matrix(&provider, &written(&estate))
        .await
        .expect_err("an error");
    assert!(
        error.text.starts_with(
            "estate.appliances[0]: Pattern matches no appliance: `firewall.branch` matches no \
             appliance of the estate. Did you mean `firewall.branches`?"
        ),
        "{}",
        error.text
    );
}

#[tokio::test]
async fn chunk_rules_places_the_flow_matrix_rules() {
    let provider = FlowMatrixProvider::default();
    let mut estate = estate();
    estate["firewalls"]["branches"]["addresses"] =
        json!({ "a": "10.20.0.0/16", "b": "10.21.0.0/16", "c": "2001:db8::/48" });
    let result = wire::flow_matrix(&provider, &written(&estate))
        .await
        .expect("no error");
    let returns = schema::outputs_type().expect("outputs");
    let Type::Object(outputs) = &returns else {
        panic!("an object")
    };
    let rules = result.get("ingress_rules").expect("rules").clone();
    let rules_type = outputs["ingress_rules"].clone();
    let response = call(
        &provider,
        "chunk_rules",
        vec![
            argument(
                &Value::Dynamic(rules_type, Box::new(rules.clone())),
                &Type::Dynamic,
            ),
            argument(&Value::int(2), &Type::Number),
        ],
    )
    .await;
    assert_eq!(response.error, None);
    let placed = msgpack::decode_dynamic_value(
        &response.result.expect("a result"),
        &Type::map(Type::String),
    )
    .expect("a map");
    let placed = placed.as_entries().expect("a map");
    let keys: Vec<&str> = rules
        .as_elements()
        .expect("a list")
        .iter()
        .filter_map(|r| r.get("key").and_then(Value::as_str))
        .collect();
    assert_eq!(placed.keys().map(String::as_str).collect::<Vec<_>>(), keys);
    // Panorama has no IPv6 address, so no IPv6 rule: two ports times two IPv4 peers,
    // two rules per chunk.
    assert_eq!(keys.len(), 4, "{keys:?}");
    let mut chunks: Vec<&str> = placed.values().filter_map(Value::as_str).collect();
    chunks.sort_unstable();
    assert_eq!(
        chunks,
        [
            "panorama.a@mgt",
            "panorama.a@mgt",
            "panorama.a@mgt#2",
            "panorama.a@mgt#2"
        ]
    );
    let response = call(
        &provider,
        "chunk_rules",
        vec![
            argument(&Value::Unknown, &Type::Dynamic),
            argument(&Value::int(0), &Type::Number),
        ],
    )
    .await;
    let error = response.error.expect("a bad limit is an error");
    assert_eq!(error.function_argument, Some(1));
}
