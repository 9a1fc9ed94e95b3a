//! Terraform values as the provider receives them, for tests that call its RPC handlers
//! directly (no process, no TLS): estates written in HCL, data source configurations,
//! function calls, and the comparison of a planned value with the applied one.
//!
//! In estates given as JSON, the string `"<unknown>"` stands for a string Terraform knows
//! only after apply (an ENI's `private_ip`).

#![allow(dead_code)] // each test binary uses a different subset

use panorama_provider::provider::{flow_matrix::FlowMatrixDataSource, FlowMatrixProvider};
use panorama_provider::tfproto::tfplugin6 as pb;
use panorama_provider::tfproto::tfplugin6::provider_server::Provider;
use panorama_provider::tfproto::{msgpack, Type, Value};
use serde_json::Value as Json;
use tonic::Request;

/// What stands for an unknown string in a JSON estate.
pub const UNKNOWN: &str = "<unknown>";

/// The object type of the data source's configuration and state.
pub fn data_source_type() -> Type {
    FlowMatrixDataSource::new()
        .expect("schema derives")
        .schema()
        .block
        .value_type()
}

/// The type Terraform gives a value written in HCL: tuples for lists, objects for maps
/// (the wire layer's [`Type::of_literal`]).
pub fn written_type(json: &Json) -> Type {
    Type::of_literal(json).0
}

/// A JSON value as a Terraform value of `ty` (from [`written_type`] or a declared
/// type), `"<unknown>"` unknown.
fn value(json: &Json, ty: &Type) -> Value {
    match (json, ty) {
        (Json::String(text), _) if text == UNKNOWN => Value::Unknown,
        (Json::Array(items), Type::Tuple(types)) => {
            Value::Tuple(items.iter().zip(types).map(|(i, t)| value(i, t)).collect())
        }
        (Json::Array(items), Type::List(element)) => {
            Value::List(items.iter().map(|i| value(i, element)).collect())
        }
        (Json::Object(entries), Type::Object(types)) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), value(v, &types[k])))
                .collect(),
        ),
        (Json::Object(entries), Type::Map(element)) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), value(v, element)))
                .collect(),
        ),
        (json, ty) => Value::from_json(json, ty).expect("value of its type"),
    }
}

/// A value as Terraform sends it at a `dynamic` position: with the type it was written
/// with (a bare null when null).
pub fn written(json: &Json) -> Value {
    typed(json, written_type(json))
}

/// A value at a `dynamic` position, of the declared type `ty` (a typed variable).
pub fn typed(json: &Json, ty: Type) -> Value {
    if json.is_null() {
        return Value::Null;
    }
    let inner = value(json, &ty);
    Value::Dynamic(ty, Box::new(inner))
}

/// A data source configuration as Terraform sends it: every attribute present, unset
/// ones null, inputs as written.
pub fn config(estate: &Json) -> Value {
    let Type::Object(attributes) = data_source_type() else {
        panic!("the schema is an object")
    };
    Value::Object(
        attributes
            .iter()
            .map(|(name, ty)| {
                let input = estate.get(name).cloned().unwrap_or_default();
                let value = match ty {
                    Type::Dynamic => written(&input),
                    _ => Value::Null,
                };
                (name.clone(), value)
            })
            .collect(),
    )
}

/// A configuration on the wire.
pub fn wire(config: &Value) -> pb::DynamicValue {
    msgpack::to_dynamic_value(config, &data_source_type()).expect("encodes")
}

/// A function argument of parameter type `ty` on the wire.
pub fn argument(value: &Value, ty: &Type) -> pb::DynamicValue {
    msgpack::to_dynamic_value(value, ty).expect("encodes")
}

/// ValidateDataResourceConfig for `panorama_flow_matrix`.
pub async fn validate(
    provider: &FlowMatrixProvider,
    config: pb::DynamicValue,
) -> Vec<pb::Diagnostic> {
    let request = pb::validate_data_resource_config::Request {
        type_name: "panorama_flow_matrix".into(),
        config: Some(config),
    };
    provider
        .validate_data_resource_config(Request::new(request))
        .await
        .expect("answers")
        .into_inner()
        .diagnostics
}

/// ReadDataSource of `type_name`.
pub async fn read(
    provider: &FlowMatrixProvider,
    type_name: &str,
    config: pb::DynamicValue,
) -> pb::read_data_source::Response {
    let request = pb::read_data_source::Request {
        type_name: type_name.into(),
        config: Some(config),
        ..Default::default()
    };
    provider
        .read_data_source(Request::new(request))
        .await
        .expect("answers")
        .into_inner()
}

/// CallFunction `name` with `arguments`.
pub async fn call(
    provider: &FlowMatrixProvider,
    name: &str,
    arguments: Vec<pb::DynamicValue>,
) -> pb::call_function::Response {
    let request = pb::call_function::Request {
        name: name.into(),
        arguments,
    };
    provider
        .call_function(Request::new(request))
        .await
        .expect("answers")
        .into_inner()
}

/// The data source's state for `estate`, read through the RPC handlers.
pub async fn data_source_state(provider: &FlowMatrixProvider, estate: &Json) -> Value {
    let response = read(provider, "panorama_flow_matrix", wire(&config(estate))).await;
    let error = pb::diagnostic::Severity::Error as i32;
    let errors: Vec<_> = response
        .diagnostics
        .iter()
        .filter(|d| d.severity == error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{estate:#}");
    msgpack::decode_dynamic_value(&response.state.expect("a state"), &data_source_type())
        .expect("the state decodes")
}

/// `provider::panorama::flow_matrix(estate)`, through the RPC handlers: the result, or
/// the error.
pub async fn flow_matrix(
    provider: &FlowMatrixProvider,
    estate: &Value,
) -> Result<Value, pb::FunctionError> {
    let response = call(
        provider,
        "flow_matrix",
        vec![argument(estate, &Type::Dynamic)],
    )
    .await;
    if let Some(error) = response.error {
        return Err(error);
    }
    let returns = panorama_provider::provider::schema::outputs_type().expect("outputs type");
    Ok(
        msgpack::decode_dynamic_value(&response.result.expect("a result"), &returns)
            .expect("the result decodes"),
    )
}

/// Asserts that `plan` is `apply` with some values not known yet: every value known in
/// `plan` is the same in `apply`, and every list has the same length.
pub fn assert_conforms(plan: &Value, apply: &Value) {
    fn walk(plan: &Value, apply: &Value, at: &str) {
        match (plan, apply) {
            (Value::Unknown, _) => {}
            (Value::List(p), Value::List(a)) => {
                assert_eq!(p.len(), a.len(), "length of {at}");
                for (i, (p, a)) in p.iter().zip(a).enumerate() {
                    walk(p, a, &format!("{at}[{i}]"));
                }
            }
            (Value::Object(p), Value::Object(a)) | (Value::Map(p), Value::Map(a)) => {
                let keys = |m: &std::collections::BTreeMap<String, Value>| {
                    m.keys().cloned().collect::<Vec<_>>()
                };
                assert_eq!(keys(p), keys(a), "keys of {at}");
                for (name, p) in p {
                    walk(p, &a[name], &format!("{at}.{name}"));
                }
            }
            (p, a) => assert_eq!(p, a, "{at}"),
        }
    }
    assert!(apply.is_known(), "the applied value holds unknowns");
    walk(plan, apply, "");
}
