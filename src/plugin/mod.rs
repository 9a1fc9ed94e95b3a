//! The process runtime: everything between "Terraform starts the binary" and "the
//! provider service answers RPCs", following go-plugin's protocol.
//!
//! [`run`] checks the environment, binds a unix socket, sets up AutoMTLS, prints the
//! handshake line and serves the provider with go-plugin's side services until
//! Terraform calls Shutdown, SIGTERM arrives or Terraform dies. Shutdown stops the
//! provider's work in flight (as StopProvider does), and the exit is bounded by
//! [`shutdown::GRACE`] whatever that work does. The socket is removed on every exit.

pub mod conn;
pub mod handshake;
pub mod log;
pub mod parent;
pub mod services;
pub mod shutdown;
pub mod socket;
pub mod tls;

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::tfproto::tfplugin6::provider_server::Provider;

/// Serves `provider` as a Terraform plugin and returns the process exit code.
///
/// Returns failure (1) with a message on stderr when the binary was not started by
/// Terraform or could not start serving; success (0) after an orderly shutdown.
pub fn run<P>(provider: P) -> ExitCode
where
    P: Provider,
{
    // A variable set to something that is not UTF-8 counts as set (and then fails its
    // check), never as absent: absence is what means plaintext.
    let lookup = |key: &str| std::env::var_os(key).map(|v| v.to_string_lossy().into_owned());
    let config = match handshake::check_env(lookup) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // One async thread is plenty for a handful of RPCs, and starts fastest. Engine work
    // runs on blocking threads, one per core (the provider also waits for a free slot
    // before starting work, so jobs queue there, stoppable, rather than here).
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(cores)
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("terraform-provider-panorama: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(serve(provider, config));
    // Dropping the runtime would wait for every blocking task, and a computation that
    // was told to stop may still be finishing its current step: leave it behind.
    runtime.shutdown_timeout(EXIT_WAIT);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::error(format_args!("plugin stopped: {e}"));
            eprintln!("terraform-provider-panorama: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How long the exit waits for blocking work after the server has stopped.
const EXIT_WAIT: Duration = Duration::from_millis(50);

/// Everything that needs the runtime. Returns a message for the user on failure.
async fn serve<P: Provider>(provider: P, config: handshake::StartConfig) -> Result<(), String> {
    let tls = match &config.client_cert_pem {
        Some(pem) => Some(tls::ServerTls::new(pem).map_err(|e| e.to_string())?),
        None => None,
    };

    let (trigger, stop) = shutdown::channel();
    shutdown::watch_signals(trigger.clone())
        .map_err(|e| format!("cannot install signal handlers: {e}"))?;
    parent::watch(trigger.clone()).map_err(|e| format!("cannot watch the parent process: {e}"))?;

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

    let provider = Arc::new(provider);
    tokio::spawn(stop_work_on_shutdown(provider.clone(), stop.clone()));
    let router = services::Router::new(provider, trigger);
    let server = tonic::transport::Server::builder()
        .max_concurrent_streams(services::MAX_CONCURRENT_STREAMS)
        .serve_with_incoming_shutdown(router, incoming, stop.clone().triggered());
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

/// Once shutdown starts, tells the provider to stop its work in flight, exactly as
/// Terraform's StopProvider does, so computations end instead of outliving the server.
async fn stop_work_on_shutdown<P: Provider>(provider: Arc<P>, stop: shutdown::Signal) {
    stop.triggered().await;
    let request = tonic::Request::new(crate::tfproto::tfplugin6::stop_provider::Request {});
    if let Err(status) = provider.stop_provider(request).await {
        log::debug(format_args!("stopping work in flight failed: {status}"));
    }
}

/// Prints the handshake line: exactly one line, flushed, so go-plugin can read it.
fn announce(line: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}
