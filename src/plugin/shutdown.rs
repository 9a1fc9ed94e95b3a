//! One shutdown trigger shared by the Shutdown RPC and the signal handlers.

use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::watch;

use super::log;

/// How long in-flight requests get to finish once shutdown starts. go-plugin kills the
/// process after 2 s, and Terraform starts the provider several times per plan, so a
/// stuck request must not hold the exit up for long.
pub const GRACE: Duration = Duration::from_millis(500);

/// Sets off shutdown. Cheap to clone; triggering twice is harmless.
#[derive(Clone, Debug)]
pub struct Trigger(watch::Sender<bool>);

/// Waits for shutdown to be triggered.
#[derive(Clone, Debug)]
pub struct Signal(watch::Receiver<bool>);

/// A connected trigger and signal.
pub fn channel() -> (Trigger, Signal) {
    let (tx, rx) = watch::channel(false);
    (Trigger(tx), Signal(rx))
}

impl Trigger {
    /// Starts shutdown; `why` goes to the debug log.
    pub fn trigger(&self, why: &str) {
        log::debug(format_args!("shutting down: {why}"));
        self.0.send_replace(true);
    }
}

impl Signal {
    /// Resolves once shutdown has been triggered (or every trigger is gone, which
    /// can only mean the process is ending anyway).
    pub async fn triggered(mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

/// Installs the signal handlers: SIGTERM triggers shutdown, SIGINT is ignored.
///
/// Ctrl-C in a terminal reaches the whole process group, Terraform included, and
/// Terraform then stops its providers itself (StopProvider, then Shutdown or a kill).
/// A provider that exits on SIGINT dies under Terraform's feet and turns one Ctrl-C into
/// "Plugin did not respond" and "Request cancelled" errors for every call in flight, so
/// we do what go-plugin's servers do: note the interrupt and carry on.
///
/// Installing happens before this returns (so a signal arriving right after the
/// handshake line is not lost); waiting runs in spawned tasks.
pub fn watch_signals(trigger: Trigger) -> std::io::Result<()> {
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        term.recv().await;
        trigger.trigger("SIGTERM");
    });
    tokio::spawn(async move {
        while int.recv().await.is_some() {
            log::debug("SIGINT received; ignoring it (Terraform stops the provider itself)");
        }
    });
    Ok(())
}
