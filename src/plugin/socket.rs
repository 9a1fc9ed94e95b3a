//! The unix socket Terraform connects to, removed again however the process ends.

use std::hash::{BuildHasher as _, Hasher as _};
use std::io;
use std::path::{Path, PathBuf};

use tokio::net::UnixListener;

/// A bound listening socket whose file is removed when this value is dropped.
///
/// Dropping covers every exit path that unwinds through `run` (Shutdown, signals,
/// server errors, even a panic with `panic = "unwind"`).
#[derive(Debug)]
pub struct SocketGuard {
    path: PathBuf,
}

impl SocketGuard {
    /// Path of the socket file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SocketGuard {
    fn drop(&mut self) {
        // Nothing useful to do if it is already gone.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Binds a fresh unix socket `plugin<random>` in the temp directory, as go-plugin does.
///
/// Must be called inside the tokio runtime (the listener registers with its reactor).
pub fn bind() -> io::Result<(UnixListener, SocketGuard)> {
    let dir = std::env::temp_dir();
    let mut last_err = None;
    // A name clash is astronomically unlikely, but a stale file from a killed process
    // must not stop us: retry with a new name rather than deleting someone's socket.
    for _ in 0..8 {
        let path = dir.join(format!("plugin{:016x}", random_u64()));
        match UnixListener::bind(&path) {
            Ok(listener) => return Ok((listener, SocketGuard { path })),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_err = Some(e),
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot listen on {}: {e}", path.display()),
                ))
            }
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("cannot find a free socket name")))
}

/// 64 random bits without a rand dependency: std's `RandomState` is seeded from the OS
/// per process; mixing in the pid and time keeps names distinct even so.
fn random_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(t.as_nanos());
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differ() {
        assert_ne!(random_u64(), random_u64());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn guard_removes_socket() {
        let (listener, guard) = bind().unwrap();
        let path = guard.path().to_path_buf();
        assert!(path.exists());
        assert!(path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("plugin"));
        drop(listener);
        drop(guard);
        assert!(!path.exists());
    }
}
