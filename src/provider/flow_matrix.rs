//! The `panorama_flow_matrix` data source: validation and read.

use crate::flows;
use crate::tfproto::{msgpack, tfplugin6::DynamicValue, Diagnostic, Schema, Type, Value};

use super::convert;
use super::schema::{self, SchemaError};

/// The data source, with its schema derived once.
#[derive(Debug, Clone)]
pub struct FlowMatrixDataSource {
    schema: Schema,
    value_type: Type,
    outputs_type: Type,
    inputs: Vec<String>,
}

impl FlowMatrixDataSource {
    /// Derives the schema from the engine's types.
    pub fn new() -> Result<Self, SchemaError> {
        let schema = schema::data_source_schema()?;
        let value_type = schema.block.value_type();
        let inputs = schema::input_attribute_names()?;
        Ok(FlowMatrixDataSource {
            schema,
            value_type,
            outputs_type: schema::outputs_type()?,
            inputs,
        })
    }

    /// The Terraform schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    fn decode(&self, config: Option<&DynamicValue>) -> Result<Value, Diagnostic> {
        let config = config.ok_or_else(|| {
            Diagnostic::error("Missing configuration", "Terraform sent no configuration.")
        })?;
        msgpack::decode_dynamic_value(config, &self.value_type).map_err(|error| {
            Diagnostic::error(
                "Unreadable configuration",
                format!("The configuration could not be decoded: {error}."),
            )
        })
    }

    /// Checks a configuration that may still hold unknown values. Checks that rest on an
    /// unknown value are left for later, when Terraform knows it.
    pub fn validate(&self, config: Option<&DynamicValue>) -> Vec<Diagnostic> {
        match self.decode(config) {
            Ok(config) => flows::check_input(&convert::estate_input(&config, &self.inputs))
                .iter()
                .map(convert::diagnostic)
                .collect(),
            Err(diagnostic) => vec![diagnostic],
        }
    }

    /// Computes the flows of a wholly known configuration and returns the new state.
    /// Once `cancel` is set the read gives up, answering with the [`stopped`] diagnostic.
    pub fn read(
        &self,
        config: Option<&DynamicValue>,
        cancel: &flows::CancelToken,
    ) -> (Option<DynamicValue>, Vec<Diagnostic>) {
        let config = match self.decode(config) {
            Ok(config) => config,
            Err(diagnostic) => return (None, vec![diagnostic]),
        };
        if !config.is_known() {
            let detail =
                "Terraform asked to read the data source before every argument was known; \
                          this is a bug in Terraform or the provider.";
            return (
                None,
                vec![Diagnostic::error("Configuration not yet known", detail)],
            );
        }
        let input = convert::estate_input(&config, &self.inputs);
        let Ok(outcome) = flows::compute_input_cancellable(&input, cancel) else {
            return (None, vec![stopped()]);
        };
        let mut diagnostics: Vec<Diagnostic> = outcome
            .diagnostics
            .iter()
            .map(convert::diagnostic)
            .collect();
        let Some(matrix) = outcome.matrix else {
            return (None, diagnostics);
        };
        let state =
            convert::state(&config, &matrix, &self.outputs_type, cancel).and_then(|state| {
                msgpack::to_dynamic_value(&state, &self.value_type).map_err(|error| {
                    Diagnostic::error("Internal error encoding the state", error.to_string())
                })
            });
        // Cancelled while the state was written (or just before): the error says so.
        if cancel.is_cancelled() {
            return (None, vec![stopped()]);
        }
        match state {
            Ok(state) => (Some(state), diagnostics),
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                (None, diagnostics)
            }
        }
    }
}

/// The answer to a call Terraform interrupted with StopProvider (or a shutdown).
pub fn stopped() -> Diagnostic {
    Diagnostic::error(
        "Stopped",
        "Terraform asked the provider to stop before the flow matrix was computed.",
    )
}
