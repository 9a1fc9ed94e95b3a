//! The provider binary: Terraform starts it, it serves the provider until told to stop.

use panorama_provider::{plugin, provider::FlowMatrixProvider};

fn main() -> std::process::ExitCode {
    plugin::run(FlowMatrixProvider::default())
}
