//! The provider binary. Started by Terraform (its magic cookie in the environment), it
//! serves the provider until told to stop; started by a person, it is the command line.

use panorama_provider::{cli, plugin, provider::FlowMatrixProvider};

fn main() -> std::process::ExitCode {
    // Terraform's path first and as before: no argument parsing, nothing else to load.
    if std::env::var_os(plugin::handshake::MAGIC_COOKIE_KEY).is_some() {
        return plugin::run(FlowMatrixProvider::default());
    }
    cli::main()
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
