//! The gRPC services next to the provider: go-plugin's controller, the health check,
//! and a small router dispatching on the service name.
//!
//! The router replaces tonic's `Routes` (behind its `router` feature, which pulls in
//! axum): three services and a prefix match need no more than this.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::body::Body;
use tonic::codegen::http;
use tonic::codegen::{BoxFuture, Service};
use tonic::{Request, Response, Status};

use super::shutdown::Trigger;
use crate::tfproto::go_plugin::grpc_controller_server::{GrpcController, GrpcControllerServer};
use crate::tfproto::go_plugin::Empty;
use crate::tfproto::health::health_check_response::ServingStatus;
use crate::tfproto::health::health_server::{Health, HealthServer};
use crate::tfproto::health::{HealthCheckRequest, HealthCheckResponse};
use crate::tfproto::tfplugin6::provider_server::{Provider, ProviderServer};

/// Largest request the provider service accepts: 16 MiB.
///
/// A request carries one configuration, whose size grows with the estate. Measured by
/// `tests/faults.rs` (`request_cap_fits_a_large_estate`): 10,000 firewall groups, each
/// with two CIDRs, a Collector Group and Cortex Data Lake, take 2.50 MB of msgpack (the
/// inputs are `dynamic` attributes, which carry their type JSON as well as their value).
/// The cap leaves more than six times that, yet stops one request (or each of
/// [`MAX_CONCURRENT_STREAMS`] streams: tonic reserves a message's announced length
/// before reading it) from claiming hundreds of megabytes. The README's limits say so.
pub const MAX_REQUEST_SIZE: usize = 16 * 1024 * 1024;

/// Largest response the provider service sends. Responses (the computed state) are not
/// capped here beyond Terraform's own generous limits.
pub const MAX_RESPONSE_SIZE: usize = 256 * 1024 * 1024;

/// Streams one connection may have open at once. Terraform's `-parallelism` (default 10)
/// bounds its own calls; gRPC-Go queues any more until a stream is free.
pub const MAX_CONCURRENT_STREAMS: Option<u32> = Some(64);

/// `plugin.GRPCController`: Terraform's way of saying it is done with the process.
#[derive(Debug)]
pub struct Controller {
    trigger: Trigger,
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        // Triggering only starts a graceful shutdown: tonic stops accepting, lets this
        // response go out, then closes the connections (bounded by `shutdown::GRACE`).
        self.trigger.trigger("Shutdown RPC");
        Ok(Response::new(Empty {}))
    }
}

/// `grpc.health.v1.Health`: go-plugin clients ping the service named "plugin".
#[derive(Debug, Default)]
pub struct HealthCheck;

#[tonic::async_trait]
impl Health for HealthCheck {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        match request.get_ref().service.as_str() {
            "" | "plugin" => Ok(Response::new(HealthCheckResponse {
                status: ServingStatus::Serving as i32,
            })),
            // The health protocol's answer for a service it does not know.
            other => Err(Status::not_found(format!("unknown service {other:?}"))),
        }
    }
}

/// Dispatches requests by their `/package.Service/` path prefix.
pub struct Router<P: Provider> {
    provider: ProviderServer<P>,
    controller: GrpcControllerServer<Controller>,
    health: HealthServer<HealthCheck>,
}

impl<P: Provider> Clone for Router<P> {
    fn clone(&self) -> Self {
        Router {
            provider: self.provider.clone(),
            controller: self.controller.clone(),
            health: self.health.clone(),
        }
    }
}

impl<P: Provider> Router<P> {
    /// Wires the provider and the side services; `trigger` is fired by the Shutdown RPC.
    pub fn new(provider: Arc<P>, trigger: Trigger) -> Self {
        Router {
            provider: ProviderServer::from_arc(provider)
                .max_decoding_message_size(MAX_REQUEST_SIZE)
                .max_encoding_message_size(MAX_RESPONSE_SIZE),
            controller: GrpcControllerServer::new(Controller { trigger }),
            health: HealthServer::new(HealthCheck),
        }
    }
}

/// The service part of a gRPC path: `/tfplugin6.Provider/ReadDataSource` -> `tfplugin6.Provider`.
fn service_name(path: &str) -> &str {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.split('/').next().unwrap_or("")
}

impl<P: Provider> Service<http::Request<Body>> for Router<P> {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // The generated services are always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        use crate::tfproto::go_plugin::grpc_controller_server::SERVICE_NAME as CONTROLLER;
        use crate::tfproto::health::health_server::SERVICE_NAME as HEALTH;
        use crate::tfproto::tfplugin6::provider_server::SERVICE_NAME as PROVIDER;
        match service_name(req.uri().path()) {
            PROVIDER => self.provider.call(req),
            CONTROLLER => self.controller.call(req),
            HEALTH => self.health.call(req),
            // GRPCStdio, GRPCBroker and anything else: go-plugin copes with
            // Unimplemented for the side services it probes.
            other => {
                let status = Status::unimplemented(format!("unknown service {other}"));
                Box::pin(async move { Ok(status.into_http()) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_service_names() {
        assert_eq!(
            service_name("/tfplugin6.Provider/ReadDataSource"),
            "tfplugin6.Provider"
        );
        assert_eq!(
            service_name("/plugin.GRPCController/Shutdown"),
            "plugin.GRPCController"
        );
        assert_eq!(service_name("/"), "");
        assert_eq!(service_name(""), "");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn health_answers_serving_for_plugin() {
        for service in ["", "plugin"] {
            let response = HealthCheck
                .check(Request::new(HealthCheckRequest {
                    service: service.into(),
                }))
                .await
                .unwrap();
            assert_eq!(response.get_ref().status, ServingStatus::Serving as i32);
        }
        assert!(HealthCheck
            .check(Request::new(HealthCheckRequest {
                service: "other".into()
            }))
            .await
            .is_err());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn shutdown_rpc_fires_trigger() {
        let (trigger, signal) = super::super::shutdown::channel();
        let controller = Controller { trigger };
        controller.shutdown(Request::new(Empty {})).await.unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(1), signal.triggered())
            .await
            .unwrap();
    }
}
