//! Freeing large values off the request path.
//!
//! The engine's outputs for a large estate are millions of small allocations; freeing
//! them takes about as long as writing them (over a second at 10,000 firewall groups).
//! A reply waits for nothing it does not need, so they are freed on a thread of their own
//! once the response is built.

/// Drops `value` on a separate thread; on this one if no thread can be started.
pub fn later<T: Send + 'static>(value: T) {
    // A failed spawn drops its closure, and the value with it, here.
    let _ = std::thread::Builder::new()
        .name("dispose".into())
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Tells a channel when it is dropped, and on which thread.
    struct Probe(mpsc::Sender<std::thread::ThreadId>);

    impl Drop for Probe {
        fn drop(&mut self) {
            let _ = self.0.send(std::thread::current().id());
        }
    }

    #[test]
    fn values_are_dropped_on_another_thread() {
        let (sender, receiver) = mpsc::channel();
        later(Probe(sender));
        let dropped_on = receiver
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("dropped");
        assert_ne!(dropped_on, std::thread::current().id());
    }
}
