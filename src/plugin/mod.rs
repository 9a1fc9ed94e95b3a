//! The process runtime: everything between "Terraform starts the binary" and "the
//! provider service answers RPCs", following go-plugin's protocol.
//!
//! [`run`] checks the environment, binds a unix socket, sets up AutoMTLS, prints the
//! handshake line and serves the provider with go-plugin's side services until
//! Terraform calls Shutdown or a signal arrives. The socket is removed on every exit.

pub mod conn;
pub mod handshake;
pub mod log;
pub mod services;
pub mod shutdown;
pub mod socket;
pub mod tls;

use std::io::Write as _;
use std::process::ExitCode;

use crate::tfproto::tfplugin6::provider_server::Provider;

/// Serves `provider` as a Terraform plugin and returns the process exit code.
///
/// Returns failure (1) with a message on stderr when the binary was not started by
/// Terraform or could not start serving; success (0) after an orderly shutdown.
pub fn run<P>(provider: P) -> ExitCode
where
    P: Provider,
{
    let config = match handshake::check_env(|key| std::env::var(key).ok()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // One thread is plenty for a handful of RPCs, and starts fastest.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("terraform-provider-panorama: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(provider, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::error(format_args!("plugin stopped: {e}"));
            eprintln!("terraform-provider-panorama: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Everything that needs the runtime. Returns a message for the user on failure.
async fn serve<P: Provider>(provider: P, config: handshake::StartConfig) -> Result<(), String> {
    let tls = match &config.client_cert_pem {
        Some(pem) => Some(tls::ServerTls::new(pem).map_err(|e| e.to_string())?),
        None => None,
    };

    let (trigger, stop) = shutdown::channel();
    shutdown::watch_signals(trigger.clone())
        .map_err(|e| format!("cannot install signal handlers: {e}"))?;

    // From here on the guard removes the socket file however this function returns.
    let (listener, socket) = socket::bind().map_err(|e| e.to_string())?;
    let acceptor = tls
        .as_ref()
        .map(|tls| tokio_rustls::TlsAcceptor::from(tls.config.clone()));
    let incoming = conn::spawn_accept_loop(listener, acceptor);

    let line =
        handshake::handshake_line(socket.path(), tls.as_ref().map(|tls| tls.cert_der.as_ref()));
    announce(&line).map_err(|e| format!("cannot write the handshake to stdout: {e}"))?;
    log::debug(format_args!(
        "serving on {} ({})",
        socket.path().display(),
        if tls.is_some() { "mTLS" } else { "plaintext" }
    ));

    let router = services::Router::new(provider, trigger);
    let server = tonic::transport::Server::builder().serve_with_incoming_shutdown(
        router,
        incoming,
        stop.clone().triggered(),
    );
    // tonic's graceful shutdown waits for every connection to finish; a stuck request
    // must not keep the process alive until go-plugin kills it, so bound the wait.
    let grace_expired = async {
        stop.triggered().await;
        tokio::time::sleep(shutdown::GRACE).await;
    };
    let result = tokio::select! {
        result = server => result.map_err(|e| format!("gRPC server failed: {e}")),
        () = grace_expired => {
            log::debug("graceful shutdown timed out; exiting anyway");
            Ok(())
        }
    };
    drop(socket);
    result
}

/// Prints the handshake line: exactly one line, flushed, so go-plugin can read it.
fn announce(line: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}
