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

/// Installs SIGTERM and SIGINT handlers that trigger shutdown.
///
/// Installing happens before this returns (so a signal arriving right after the
/// handshake line is not lost); waiting runs in a spawned task.
pub fn watch_signals(trigger: Trigger) -> std::io::Result<()> {
    let mut term = signal(SignalKind::terminate())?;
    // NOTE: go-plugin's Go servers ignore SIGINT, because Ctrl-C in a terminal reaches
    // the whole process group and Terraform wants to stop providers itself (StopProvider
    // then Shutdown). We were asked to treat SIGINT like SIGTERM; this is the one line to
    // change if interrupted plans report "plugin exited" errors.
    let mut int = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        let why = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        trigger.trigger(why);
    });
    Ok(())
}
