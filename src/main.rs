//! The provider binary: Terraform starts it, it serves the provider until told to stop.

use panorama_provider::tfproto::tfplugin6::provider_server::Provider;
use panorama_provider::tfproto::tfplugin6::{
    configure_provider, get_functions, get_metadata, get_provider_schema, read_data_source,
    stop_provider, validate_data_resource_config, validate_provider_config,
};
use tonic::{Request, Response, Status};

fn main() -> std::process::ExitCode {
    panorama_provider::plugin::run(Placeholder)
}

/// Stand-in until the real provider (src/provider/) is wired in: answers every RPC with
/// Unimplemented so the runtime can be exercised end to end.
struct Placeholder;

fn unimplemented<T>() -> Result<Response<T>, Status> {
    Err(Status::unimplemented(
        "the panorama provider is not wired in yet",
    ))
}

#[tonic::async_trait]
impl Provider for Placeholder {
    async fn get_metadata(
        &self,
        _: Request<get_metadata::Request>,
    ) -> Result<Response<get_metadata::Response>, Status> {
        unimplemented()
    }
    async fn get_provider_schema(
        &self,
        _: Request<get_provider_schema::Request>,
    ) -> Result<Response<get_provider_schema::Response>, Status> {
        unimplemented()
    }
    async fn validate_provider_config(
        &self,
        _: Request<validate_provider_config::Request>,
    ) -> Result<Response<validate_provider_config::Response>, Status> {
        unimplemented()
    }
    async fn validate_data_resource_config(
        &self,
        _: Request<validate_data_resource_config::Request>,
    ) -> Result<Response<validate_data_resource_config::Response>, Status> {
        unimplemented()
    }
    async fn configure_provider(
        &self,
        _: Request<configure_provider::Request>,
    ) -> Result<Response<configure_provider::Response>, Status> {
        unimplemented()
    }
    async fn read_data_source(
        &self,
        _: Request<read_data_source::Request>,
    ) -> Result<Response<read_data_source::Response>, Status> {
        unimplemented()
    }
    async fn get_functions(
        &self,
        _: Request<get_functions::Request>,
    ) -> Result<Response<get_functions::Response>, Status> {
        unimplemented()
    }
    async fn stop_provider(
        &self,
        _: Request<stop_provider::Request>,
    ) -> Result<Response<stop_provider::Response>, Status> {
        unimplemented()
    }
}
