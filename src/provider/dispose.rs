//! Freeing large values off the request path.
//!
//! The engine's outputs for a large estate are millions of small allocations; freeing
//! them takes about as long as writing them (over half a second at 10,000 firewall
//! groups). A reply waits for nothing it does not need, so large values go to one thread
//! that frees them after the response is built. Small ones are freed where they are: a
//! hand-off would cost more than it saves, and the disposal thread starts only once a
//! large value needs it (the provider's threads stay one per engine slot otherwise).

use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, OnceLock};

/// Values this large (in bytes of their encoded form) or larger are freed off the
/// request path.
pub const LARGE_BYTES: usize = 1024 * 1024;

/// Something to drop, of any type.
type Garbage = Box<dyn Send>;

/// The disposal thread's inbox; `None` when the thread could not be started.
static INBOX: OnceLock<Option<Mutex<Sender<Garbage>>>> = OnceLock::new();

fn inbox() -> Option<&'static Mutex<Sender<Garbage>>> {
    INBOX
        .get_or_init(|| {
            let (sender, receiver) = mpsc::channel::<Garbage>();
            let started = std::thread::Builder::new()
                .name("dispose".into())
                .spawn(move || receiver.into_iter().for_each(drop));
            started.ok().map(|_| Mutex::new(sender))
        })
        .as_ref()
}

/// Drops `value`: on the disposal thread when `size` (its encoded size, say) is at least
/// [`LARGE_BYTES`], here otherwise or when that thread is not running.
pub fn later<T: Send + 'static>(value: T, size: usize) {
    if size < LARGE_BYTES {
        return drop(value);
    }
    let Some(inbox) = inbox() else {
        return drop(value);
    };
    // A poisoned lock or a stopped thread hands the value back: it is dropped here.
    if let Ok(sender) = inbox.lock() {
        let _ = sender.send(Box::new(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tells a channel when it is dropped, and on which thread.
    struct Probe(mpsc::Sender<std::thread::ThreadId>);

    impl Drop for Probe {
        fn drop(&mut self) {
            let _ = self.0.send(std::thread::current().id());
        }
    }

    fn dropped_on(size: usize) -> std::thread::ThreadId {
        let (sender, receiver) = mpsc::channel();
        later(Probe(sender), size);
        receiver
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("dropped")
    }

    #[test]
    fn large_values_are_dropped_on_the_disposal_thread_small_ones_here() {
        let here = std::thread::current().id();
        assert_eq!(dropped_on(LARGE_BYTES - 1), here);
        let away = dropped_on(LARGE_BYTES);
        assert_ne!(away, here);
        // Always the same thread, however many values go.
        assert_eq!(dropped_on(LARGE_BYTES + 5), away);
    }
}
