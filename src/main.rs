//! The provider binary: Terraform starts it, it serves the provider until told to stop.

fn main() -> std::process::ExitCode {
    panorama_provider::plugin::run()
}
