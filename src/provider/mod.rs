//! The provider: tfplugin6 calls answered for the `panorama_flow_matrix` data source and
//! the functions `flow_matrix` and `chunk_rules`.
//!
//! This layer turns wire values into the engine's types and back; the engine itself
//! ([`crate::flows`]) knows nothing of Terraform.

pub mod convert;
mod dispose;
pub mod encode;
pub mod flow_matrix;
pub mod functions;
pub mod limit;
pub mod output;
pub mod schema;
mod service;
pub mod work;

pub use service::FlowMatrixProvider;
