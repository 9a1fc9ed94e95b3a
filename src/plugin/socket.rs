//! The unix socket Terraform connects to, private to our user and removed again however
//! the process ends.
//!
//! go-plugin binds `plugin<random>` straight in the temp directory, so the socket's mode
//! follows the umask: under `umask 000` any local user may connect (and, with TLS
//! disabled, call Shutdown). Here the socket lives in a fresh `plugin<random>` directory
//! created with mode 0700, which the umask can only narrow, and the socket itself is
//! made 0600. Terraform runs as the same user and needs nothing more.

use std::fs::{DirBuilder, Permissions};
use std::hash::{BuildHasher as _, Hasher as _};
use std::io;
use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use tokio::net::UnixListener;

/// Name of the socket inside its private directory.
const SOCKET_NAME: &str = "plugin.sock";

/// A bound listening socket whose file (and private directory) is removed when this
/// value is dropped.
///
/// Dropping covers every exit path that unwinds through `run` (Shutdown, signals,
/// the parent's death, server errors, even a panic with `panic = "unwind"`).
#[derive(Debug)]
pub struct SocketGuard {
    dir: PathBuf,
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
        // Nothing useful to do if they are already gone.
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Binds a fresh unix socket `plugin<random>/plugin.sock` in the temp directory.
///
/// Must be called inside the tokio runtime (the listener registers with its reactor).
pub fn bind() -> io::Result<(UnixListener, SocketGuard)> {
    let temp = std::env::temp_dir();
    let mut last_err = None;
    // A name clash is astronomically unlikely, but a stale directory from a killed
    // process must not stop us: retry with a new name rather than touching it.
    for _ in 0..8 {
        let dir = temp.join(format!("plugin{:016x}", random_u64()));
        match DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                last_err = Some(e);
                continue;
            }
            Err(e) => return Err(cannot_listen(&dir, &e)),
        }
        // From here the guard cleans up, whichever step fails.
        let guard = SocketGuard {
            path: dir.join(SOCKET_NAME),
            dir,
        };
        let listener =
            UnixListener::bind(&guard.path).map_err(|e| cannot_listen(&guard.path, &e))?;
        std::fs::set_permissions(&guard.path, Permissions::from_mode(0o600))
            .map_err(|e| cannot_listen(&guard.path, &e))?;
        return Ok((listener, guard));
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("cannot find a free socket name")))
}

fn cannot_listen(path: &Path, e: &io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!("cannot listen on {}: {e}", path.display()),
    )
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
    async fn guard_removes_socket_and_directory() {
        let (listener, guard) = bind().unwrap();
        let path = guard.path().to_path_buf();
        let dir = path.parent().unwrap().to_path_buf();
        assert!(path.exists());
        assert!(dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("plugin"));
        drop(listener);
        drop(guard);
        assert!(!path.exists());
        assert!(!dir.exists());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn socket_and_directory_are_private() {
        let (_listener, guard) = bind().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(guard.path()), 0o600);
        assert_eq!(mode(guard.path().parent().unwrap()), 0o700);
    }
}
