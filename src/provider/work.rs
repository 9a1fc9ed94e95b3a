//! Engine work off the async thread, a bounded number at a time, and stoppable.
//!
//! The runtime has one async thread serving every call, health checks included; decoding
//! and checking a large estate there would hold all of them up. So validations, reads and
//! function calls run on blocking threads, each after taking one of a fixed number of
//! slots (one per core): 500 concurrent reads wait their turn instead of starting 500
//! threads. A job waiting for a slot or running gives up when StopProvider arrives: the
//! caller gets [`JobError::Stopped`] at once, and the computation sees its [`CancelToken`]
//! set.

use std::num::NonZeroUsize;
use std::sync::Arc;

use tokio::sync::{watch, Semaphore};

use crate::flows::CancelToken;

/// Why a job gave no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// StopProvider (or shutdown) came first.
    Stopped,
    /// The job panicked; the message says how.
    Failed(String),
}

/// The slots engine work runs in, and the stop signal shared by every job.
#[derive(Debug)]
pub struct Workers {
    slots: Arc<Semaphore>,
    /// Bumped by [`Workers::stop_all`]; every job in flight watches it.
    stop: watch::Sender<u64>,
}

impl Default for Workers {
    /// One slot per available core.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Workers::new(cores)
    }
}

impl Workers {
    /// At most `slots` jobs (at least one) run at once.
    pub fn new(slots: usize) -> Self {
        Workers {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            stop: watch::Sender::new(0),
        }
    }

    /// Stops every job waiting or running now; later jobs run normally.
    pub fn stop_all(&self) {
        self.stop
            .send_modify(|generation| *generation = generation.wrapping_add(1));
    }

    /// Runs `job` on a blocking thread once a slot is free. The slot stays taken until
    /// the job returns, even when the caller was told it stopped: a cancelled
    /// computation ends at its next check of the token.
    pub async fn run<T, F>(&self, job: F) -> Result<T, JobError>
    where
        T: Send + 'static,
        F: FnOnce(&CancelToken) -> T + Send + 'static,
    {
        let mut stop = self.stop.subscribe();
        let cancel = CancelToken::new();
        let token = cancel.clone();
        let slots = self.slots.clone();
        let work = async move {
            // The semaphore is never closed, so acquiring only waits.
            let permit = slots.acquire_owned().await;
            tokio::task::spawn_blocking(move || {
                let _slot = permit;
                job(&token)
            })
            .await
        };
        tokio::select! {
            done = work => done.map_err(|failure| JobError::Failed(failure.to_string())),
            // An error means the sender is gone, which only happens as the provider ends.
            _ = stop.changed() => {
                cancel.cancel();
                Err(JobError::Stopped)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "current_thread")]
    async fn at_most_the_slots_run_at_once() {
        let workers = Arc::new(Workers::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let (workers, running, most) = (workers.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    workers
                        .run(move |_| {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                        })
                        .await
                })
            })
            .collect();
        for job in jobs {
            assert_eq!(job.await.unwrap(), Ok(()));
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn stop_answers_at_once_and_cancels_the_job() {
        let workers = Arc::new(Workers::new(1));
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        let job = {
            let workers = workers.clone();
            tokio::spawn(async move {
                workers
                    .run(move |cancel| {
                        // Spin until told to stop, as the engine's loops do.
                        while !cancel.is_cancelled() {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        let _ = seen_tx.send(());
                    })
                    .await
            })
        };
        // A second job waits for the only slot and is stopped too.
        let waiting = {
            let workers = workers.clone();
            tokio::spawn(async move { workers.run(|_| ()).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        workers.stop_all();
        assert_eq!(job.await.unwrap(), Err(JobError::Stopped));
        assert_eq!(waiting.await.unwrap(), Err(JobError::Stopped));
        seen_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the job saw its token set");
        // Later jobs run normally.
        assert_eq!(workers.run(|_| 7).await, Ok(7));
    }
}
