//! The `panorama_flow_matrix` data source: validation and read.

use crate::flows;
use crate::tfproto::{msgpack, tfplugin6::DynamicValue, Diagnostic, Schema, Type, Value};

use super::output::OutputError;
use super::schema::{self, SchemaError};
use super::{convert, dispose, encode, limit};

/// The data source, with its schema derived once.
#[derive(Debug, Clone)]
pub struct FlowMatrixDataSource {
    schema: Schema,
    value_type: Type,
    outputs_type: Type,
    inputs: Vec<String>,
    /// The largest state sent: [`limit::MAX_VALUE_BYTES`].
    max_bytes: usize,
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
            max_bytes: limit::MAX_VALUE_BYTES,
        })
    }

    /// The same data source sending states of at most `max_bytes` (tests reach the
    /// limit's error with a small estate this way).
    pub fn with_max_bytes(self, max_bytes: usize) -> Self {
        FlowMatrixDataSource { max_bytes, ..self }
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
        let state = self.state(&config, &matrix, cancel);
        // Cancelled while the state was written (or just before): the error says so.
        if cancel.is_cancelled() {
            return (None, vec![stopped()]);
        }
        // The engine's outputs and the configuration are large for a large estate, and
        // freeing them takes a while: that happens after the response is on its way. A
        // state not written was too large (or failed): its outputs count as large.
        let size = state
            .as_ref()
            .map_or(dispose::LARGE_BYTES, |state| state.msgpack.len());
        dispose::later((config, matrix), size);
        match state {
            Ok(state) => (Some(state), diagnostics),
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                (None, diagnostics)
            }
        }
    }

    /// The new state as msgpack, written straight from the engine's outputs; an error
    /// when it would be too large for Terraform to receive (measured before it is
    /// written, and checked again after).
    fn state(
        &self,
        config: &Value,
        matrix: &flows::FlowMatrix,
        cancel: &flows::CancelToken,
    ) -> Result<DynamicValue, Diagnostic> {
        let internal =
            |error: OutputError| Diagnostic::error("Internal error building the state", error.0);
        let options = encode::Options {
            cancel,
            unknowns: false,
        };
        let written = limit::write_within(
            Some(config),
            config,
            matrix,
            &self.value_type,
            &self.outputs_type,
            options,
            self.max_bytes,
            "The state of panorama_flow_matrix",
        );
        let bytes = match written {
            Ok(bytes) => bytes,
            Err(limit::NotWritten::TooLarge(summary, detail)) => {
                return Err(Diagnostic::error(summary, detail))
            }
            Err(limit::NotWritten::Failed(error)) => return Err(internal(error)),
        };
        Ok(DynamicValue {
            msgpack: bytes,
            json: Vec::new(),
        })
    }
}

/// The answer to a call Terraform interrupted with StopProvider (or a shutdown).
pub fn stopped() -> Diagnostic {
    Diagnostic::error(
        "Stopped",
        "Terraform asked the provider to stop before the flow matrix was computed.",
    )
}
