//! Leaving with the parent: when Terraform dies without calling Shutdown (`kill -9`, a
//! crashed CI runner), nobody will stop the provider, so it notices on its own and shuts
//! down, removing its socket.
//!
//! The truth is the parent pid: once Terraform is gone we are re-parented and
//! `getppid` changes. It is polled every [`POLL`], which also covers a parent that died
//! before we started watching, and platforms without the Linux mechanism below.
//!
//! On Linux, `PR_SET_PDEATHSIG` makes the kernel signal us as soon as the parent goes, so
//! the exit does not wait for the next poll. The kernel sends it when the *thread* that
//! started us exits, which in a Go parent can happen while Terraform lives on
//! (golang/go#27505); so the signal (SIGUSR1) only wakes the pid check and never stops
//! the provider by itself.

use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};

use super::log;
use super::shutdown::Trigger;

/// How often the parent pid is checked: exit comes well within a second of its death.
pub const POLL: Duration = Duration::from_millis(200);

/// Starts watching the parent; shutdown is triggered once it is gone.
///
/// The wake-up handler is installed before the parent-death signal is requested, so the
/// signal can never meet SIGUSR1's default action (terminating without removing the socket).
pub fn watch(trigger: Trigger) -> std::io::Result<()> {
    let mut wake = signal(SignalKind::user_defined1())?;
    request_death_signal();
    let parent = std::os::unix::process::parent_id();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = wake.recv() => {}
                () = tokio::time::sleep(POLL) => {}
            }
            if std::os::unix::process::parent_id() != parent {
                trigger.trigger("the parent process (Terraform) exited");
                return;
            }
        }
    });
    Ok(())
}

#[cfg(target_os = "linux")]
fn request_death_signal() {
    use rustix::process::{set_parent_process_death_signal, Signal};
    if let Err(e) = set_parent_process_death_signal(Some(Signal::USR1)) {
        // Polling alone still catches the parent's death, a little later.
        log::debug(format_args!("cannot request a parent-death signal: {e}"));
    }
}

#[cfg(not(target_os = "linux"))]
fn request_death_signal() {
    log::trace("no parent-death signal on this platform; polling the parent pid");
}
