//! The tfplugin6 `Provider` service: thin dispatch to the data source
//! ([`super::flow_matrix`]) and the functions ([`super::functions`]). Calls not
//! implemented here are answered UNIMPLEMENTED by the gRPC router.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use tonic::{Request, Response, Status};

use crate::tfproto::tfplugin6 as pb;
use crate::tfproto::tfplugin6::provider_server::Provider;
use crate::tfproto::{Diagnostic, FunctionError};

use super::flow_matrix::{stopped, FlowMatrixDataSource};
use super::functions::{self, Functions};
use super::schema::{self, DATA_SOURCE};
use super::work::{JobError, Workers};

/// The provider. The data source, the functions and their schemas are derived on first
/// use, so a process that only answers the handshake pays nothing for them.
#[derive(Debug)]
pub struct FlowMatrixProvider {
    data_source: OnceLock<Result<Arc<FlowMatrixDataSource>, String>>,
    functions: OnceLock<Result<Arc<Functions>, String>>,
    /// Validations, reads and function calls run here, off the async thread;
    /// StopProvider stops them.
    workers: Workers,
}

impl Default for FlowMatrixProvider {
    fn default() -> Self {
        FlowMatrixProvider {
            data_source: OnceLock::new(),
            functions: OnceLock::new(),
            workers: Workers::default(),
        }
    }
}

/// The diagnostic for a job that gave no result.
fn job_failed(error: JobError) -> Diagnostic {
    match error {
        JobError::Stopped => stopped(),
        JobError::Failed(failure) => Diagnostic::error(
            "Internal error in the provider",
            format!(
                "Computing the flow matrix failed: {failure}. Please report this with the configuration."
            ),
        ),
    }
}

/// A diagnostic as a function's error, which has no summary of its own.
fn function_error(diagnostic: Diagnostic) -> FunctionError {
    FunctionError::internal(format!("{}: {}", diagnostic.summary, diagnostic.detail))
}

fn diagnostics(list: &[Diagnostic]) -> Vec<pb::Diagnostic> {
    list.iter().map(pb::Diagnostic::from).collect()
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        get_provider_schema_optional: true,
        ..Default::default()
    }
}

fn unknown_data_source(name: &str) -> Diagnostic {
    Diagnostic::error(
        "Unknown data source",
        format!("This provider has no data source `{name}`; it has `{DATA_SOURCE}`."),
    )
}

impl FlowMatrixProvider {
    fn functions(&self) -> Result<Arc<Functions>, Diagnostic> {
        self.functions
            .get_or_init(|| Functions::new().map(Arc::new).map_err(|e| e.to_string()))
            .clone()
            .map_err(|error| Diagnostic::error("Internal error in the function schemas", error))
    }

    /// Every function's signature by name, or the diagnostic that says why there are none.
    fn function_definitions(&self) -> Result<HashMap<String, pb::Function>, Diagnostic> {
        Ok(self
            .functions()?
            .definitions()
            .into_iter()
            .map(|(name, function)| (name.to_owned(), pb::Function::from(function)))
            .collect())
    }

    fn data_source(&self) -> Result<Arc<FlowMatrixDataSource>, Diagnostic> {
        self.data_source
            .get_or_init(|| {
                FlowMatrixDataSource::new()
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|error| Diagnostic::error("Internal error in the provider schema", error))
    }
}

#[tonic::async_trait]
impl Provider for FlowMatrixProvider {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        let (functions, diagnostics) = match self.functions() {
            Ok(functions) => (
                functions
                    .definitions()
                    .iter()
                    .map(|(name, _)| (*name).to_owned())
                    .collect(),
                Vec::new(),
            ),
            Err(diagnostic) => (Vec::new(), diagnostics(&[diagnostic])),
        };
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            data_sources: vec![pb::get_metadata::DataSourceMetadata {
                type_name: DATA_SOURCE.to_owned(),
            }],
            functions: functions
                .into_iter()
                .map(|name| pb::get_metadata::FunctionMetadata { name })
                .collect(),
            diagnostics,
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let mut response = pb::get_provider_schema::Response {
            provider: Some(pb::Schema::from(&schema::provider_schema())),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        };
        match self.data_source() {
            Ok(data_source) => {
                response.data_source_schemas.insert(
                    DATA_SOURCE.to_owned(),
                    pb::Schema::from(data_source.schema()),
                );
            }
            Err(diagnostic) => response.diagnostics = diagnostics(&[diagnostic]),
        }
        match self.function_definitions() {
            Ok(functions) => response.functions = functions,
            Err(diagnostic) => response.diagnostics.extend(diagnostics(&[diagnostic])),
        }
        Ok(Response::new(response))
    }

    async fn validate_provider_config(
        &self,
        _: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        // The provider block takes no arguments: nothing to check.
        Ok(Response::new(
            pb::validate_provider_config::Response::default(),
        ))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let request = request.into_inner();
        let found = if request.type_name != DATA_SOURCE {
            vec![unknown_data_source(&request.type_name)]
        } else {
            match self.data_source() {
                Ok(data_source) => match self
                    .workers
                    .run(move |_| data_source.validate(request.config.as_ref()))
                    .await
                {
                    Ok(found) => found,
                    // Terraform stops its providers only while it halts the whole
                    // operation, and then says "execution halted" itself: a check cut
                    // short has nothing to add (an error per data source would only
                    // bury that message, as an interrupted plan showed).
                    Err(JobError::Stopped) => Vec::new(),
                    Err(error) => vec![job_failed(error)],
                },
                Err(diagnostic) => vec![diagnostic],
            }
        };
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diagnostics(&found),
        }))
    }

    async fn configure_provider(
        &self,
        _: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        Ok(Response::new(pb::configure_provider::Response::default()))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let request = request.into_inner();
        let respond = |state, found: Vec<Diagnostic>| {
            Ok(Response::new(pb::read_data_source::Response {
                state,
                diagnostics: diagnostics(&found),
                deferred: None,
            }))
        };
        if request.type_name != DATA_SOURCE {
            return respond(None, vec![unknown_data_source(&request.type_name)]);
        }
        let data_source = match self.data_source() {
            Ok(data_source) => data_source,
            Err(diagnostic) => return respond(None, vec![diagnostic]),
        };
        // Off the async thread, so StopProvider can interrupt the wait and a panic
        // surfaces as a diagnostic instead of killing the server.
        let read = self
            .workers
            .run(move |cancel| data_source.read(request.config.as_ref(), cancel))
            .await;
        match read {
            Ok((state, found)) => respond(state, found),
            Err(error) => respond(None, vec![job_failed(error)]),
        }
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        let response = match self.function_definitions() {
            Ok(functions) => pb::get_functions::Response {
                functions,
                diagnostics: Vec::new(),
            },
            Err(diagnostic) => pb::get_functions::Response {
                functions: HashMap::new(),
                diagnostics: diagnostics(&[diagnostic]),
            },
        };
        Ok(Response::new(response))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let request = request.into_inner();
        let called = match self.functions() {
            // Like a read: off the async thread, in a slot, stopped by StopProvider.
            Ok(functions) => self
                .workers
                .run(move |cancel| functions.call(&request.name, &request.arguments, cancel))
                .await
                .unwrap_or_else(|error| match error {
                    JobError::Stopped => Err(functions::stopped()),
                    JobError::Failed(_) => Err(function_error(job_failed(error))),
                }),
            Err(diagnostic) => Err(function_error(diagnostic)),
        };
        let (result, error) = match called {
            Ok(result) => (Some(result), None),
            Err(error) => (None, Some(error.into())),
        };
        Ok(Response::new(pb::call_function::Response { result, error }))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        // Stop every validation, read and function call in flight; the server keeps
        // running for later calls. The plugin runtime calls this too when it shuts down.
        self.workers.stop_all();
        Ok(Response::new(pb::stop_provider::Response::default()))
    }
}
