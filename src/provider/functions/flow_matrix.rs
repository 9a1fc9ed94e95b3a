//! `provider::panorama::flow_matrix(estate)`: the data source's outputs, at plan time.
//!
//! The estate goes through the same reader and engine entry point as the data source
//! ([`flows::compute_input_cancellable`]), so the result equals the data source's computed attributes
//! for the same estate. Unknown values: a wholly unknown estate (as during `terraform
//! validate`), or any unknown value that is not an address, gives an unknown result;
//! unknown addresses give a result whose keys and lengths are known.

use crate::flows;
use crate::tfproto::{
    msgpack, tfplugin6::DynamicValue, Function, FunctionError, Parameter, Type, Value,
};

use super::super::output::OutputError;
use super::super::schema::{self, SchemaError};
use super::super::{convert, dispose, encode, limit};
use super::{argument_error, stopped};

/// The function's name: `provider::panorama::flow_matrix`.
pub const NAME: &str = "flow_matrix";

/// The parameter's name, which errors start with.
const ESTATE: &str = "estate";

const SUMMARY: &str = "The flows and rules of a Panorama estate, known at plan time.";

const DESCRIPTION: &str = "Computes for `estate` what the data source `panorama_flow_matrix` \
computes: an object with its computed attributes (`id`, `flows`, `ingress_rules`, \
`egress_rules`, `grouped_rules`, `flows_markdown`, `flows_mermaid`), equal to the data \
source's for the same estate. `estate` holds the data source's arguments and is read as \
strictly (an unknown attribute name is an error naming the closest valid one); its `views` \
and `appliances` select outputs and appliances as the data source's do, the outputs left \
out being null.\n\n\
Unlike the data source, whose read Terraform defers to apply while any argument is unknown, \
the function plans when the only unknown values are addresses (an `aws_network_interface`'s \
`private_ip` created in the same plan): every list length and every `key` is known, and \
only what needs an unknown address is known after apply (the rule's `cidr_ipv4` and \
`cidr_ipv6`, the flows' address lists, grouped rules' CIDR lists, `id` and \
`flows_markdown`). An address known after apply counts as IPv4. Any other unknown value \
gives an unknown result. Errors name the path inside `estate`; warnings are not shown \
(functions cannot return them). Terraform 1.8 and later.";

/// The function, with its signature derived once.
#[derive(Debug, Clone)]
pub struct FlowMatrixFunction {
    definition: Function,
}

impl FlowMatrixFunction {
    /// Derives the signature: one `dynamic` parameter, the data source's computed
    /// attributes as the return type.
    pub fn new() -> Result<Self, SchemaError> {
        Ok(FlowMatrixFunction {
            definition: Function {
                summary: SUMMARY.to_owned(),
                description: DESCRIPTION.to_owned(),
                parameters: vec![Parameter {
                    name: ESTATE.to_owned(),
                    ty: Type::Dynamic,
                    allow_null: false,
                    allow_unknown: true,
                    description: estate_description()?,
                }],
                returns: schema::outputs_type()?,
            },
        })
    }

    /// The signature.
    pub fn definition(&self) -> &Function {
        &self.definition
    }

    /// The outputs for the estate in `arguments` (one value), as msgpack written straight
    /// from the engine's types, or [`stopped`] soon after `cancel` is set. A result too
    /// large for Terraform to receive is an error naming a selection that fits.
    pub fn call(
        &self,
        arguments: &[Value],
        cancel: &flows::CancelToken,
    ) -> Result<DynamicValue, FunctionError> {
        let returns = &self.definition.returns;
        let unknown = || {
            msgpack::to_dynamic_value(&Value::Unknown, returns)
                .map_err(|error| FunctionError::internal(error.to_string()))
        };
        let [estate] = arguments else {
            return Err(FunctionError::internal("flow_matrix takes one argument."));
        };
        if estate.is_unknown() {
            return unknown();
        }
        let Ok(outcome) = flows::compute_input_cancellable(&convert::input(estate), cancel) else {
            return Err(stopped());
        };
        if let Some(error) = argument_error(ESTATE, 0, &outcome.diagnostics) {
            return Err(error);
        }
        let Some(matrix) = outcome.matrix else {
            // A value other than an address is unknown: wait for it.
            return unknown();
        };
        let result = self.result(estate, &matrix, cancel);
        let size = result
            .as_ref()
            .map_or(dispose::LARGE_BYTES, |result| result.msgpack.len());
        dispose::later(matrix, size);
        result
    }

    /// The result for `matrix`, measured before it is written.
    fn result(
        &self,
        estate: &Value,
        matrix: &flows::FlowMatrix,
        cancel: &flows::CancelToken,
    ) -> Result<DynamicValue, FunctionError> {
        let returns = &self.definition.returns;
        let options = encode::Options {
            cancel,
            unknowns: true,
        };
        let failed = |error: OutputError| {
            // The writer fails once the token is set; the token tells it from a bug.
            if cancel.is_cancelled() {
                return stopped();
            }
            FunctionError::internal(format!(
                "The result could not be built: {error}. This is a bug in the provider: please report it with the configuration."
            ))
        };
        let written = limit::write_within(
            None,
            estate.concrete(),
            matrix,
            returns,
            returns,
            options,
            limit::MAX_VALUE_BYTES,
            "The result of flow_matrix",
        );
        let bytes = match written {
            Ok(bytes) => bytes,
            Err(limit::NotWritten::TooLarge(summary, detail)) => {
                return Err(FunctionError::argument(0, format!("{summary}: {detail}")))
            }
            Err(limit::NotWritten::Failed(error)) => return Err(failed(error)),
        };
        Ok(DynamicValue {
            msgpack: bytes,
            json: Vec::new(),
        })
    }
}

/// What `estate` holds: each of the data source's arguments, one line each.
fn estate_description() -> Result<String, SchemaError> {
    let mut text = String::from(
        "An object with the arguments of the data source `panorama_flow_matrix` (see its \
         documentation for every attribute inside them):\n",
    );
    for field in flows::schema::estate_fields()? {
        let usage = if field.required {
            "required"
        } else {
            "optional"
        };
        let summary = field.description.split("\n\n").next().unwrap_or_default();
        text.push_str(&format!(
            "\n- `{}` ({}, {usage}): {summary}",
            field.name,
            field.shape.label()
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_takes_a_dynamic_estate_and_returns_the_outputs() {
        let function = FlowMatrixFunction::new().unwrap();
        let definition = function.definition();
        let [estate] = definition.parameters.as_slice() else {
            panic!("one parameter")
        };
        assert_eq!(estate.ty, Type::Dynamic);
        assert!(estate.allow_unknown && !estate.allow_null);
        assert!(estate
            .description
            .contains("\n- `panorama` (Attributes, required): The Panorama management server"));
        let Type::Object(returns) = &definition.returns else {
            panic!("an object")
        };
        let names: Vec<String> = returns.keys().cloned().collect();
        assert_eq!(names, schema::computed_attribute_names().unwrap());
    }

    #[test]
    fn an_unknown_estate_gives_an_unknown_result() {
        let function = FlowMatrixFunction::new().unwrap();
        let cancel = flows::CancelToken::new();
        let unknown = msgpack::to_dynamic_value(&Value::Unknown, &function.definition().returns);
        assert_eq!(
            function.call(&[Value::Unknown], &cancel),
            Ok(unknown.unwrap())
        );
        let typed = Value::Dynamic(
            Type::object([("panorama", Type::Dynamic)]),
            Box::new(Value::Unknown),
        );
        let result = function.call(&[typed], &cancel).unwrap();
        assert_eq!(result.msgpack, [0xd4, 0, 0]);
    }

    #[test]
    fn a_set_token_stops_the_call() {
        let function = FlowMatrixFunction::new().unwrap();
        let json = serde_json::json!({
            "panorama": { "version": "11.1.2", "nodes": { "a": { "addresses": { "mgt": ["10.0.0.1"] } } } },
        });
        let (_, estate) = Type::of_literal(&json);
        let cancel = flows::CancelToken::new();
        let computed = function
            .call(std::slice::from_ref(&estate), &cancel)
            .unwrap();
        let computed = msgpack::decode_dynamic_value(&computed, &function.definition().returns);
        assert!(matches!(computed, Ok(Value::Object(_))), "{computed:?}");
        cancel.cancel();
        assert_eq!(function.call(&[estate], &cancel), Err(stopped()));
    }
}
