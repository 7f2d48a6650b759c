//! Starting the runner (its workers and background tasks), and what the rest of the server
//! asks of it: wake a worker, count workers and running trainings, cancel a training.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::sync::{watch, Notify};
use uuid::Uuid;

use super::{background, JobRunner, MakeConfig, RunnerOptions};
use crate::server::store::{SessionStore, StoreResult};

impl JobRunner {
    /// Starts the workers and the watch for dead processes' trainings; call from within the
    /// tokio runtime.
    pub fn new(options: RunnerOptions, store: Arc<dyn SessionStore>, make_config: MakeConfig) -> Self {
        let runner = JobRunner {
            store,
            work_queued: Arc::new(Notify::new()),
            running: Default::default(),
            stopping: watch::channel(false).0,
            workers_alive: Default::default(),
            retention: options.retention.clone(),
        };
        for _ in 0..options.workers {
            let (runner, make_config, options) = (runner.clone(), make_config.clone(), options.clone());
            tokio::spawn(async move {
                // Counted alive while this loop runs; the guard's drop also covers a panic.
                let _alive = AliveGuard::enter(runner.workers_alive.clone());
                runner.work(options, make_config).await;
            });
        }
        // Retention on a timer too (not only after trainings): uploads of refused requests
        // and the disk limit are looked after on an idle server as well.
        background::spawn_retention(runner.store.clone(), runner.stopping.subscribe(), options.retention.clone());
        background::spawn_stale_recovery(runner.store.clone(), runner.stopping.subscribe(), options.max_attempts);
        runner
    }

    /// Measures the store's size now (after an operator's purge: new work may be admitted
    /// again at once).
    pub fn measure_storage(&self) {
        self.retention.measure(self.store.as_ref());
    }

    /// Tells the workers a training was queued (the session must already be in the store).
    pub fn queued(&self) {
        self.work_queued.notify_one();
    }

    /// Workers of this process whose loop is running.
    pub fn workers_alive(&self) -> usize {
        self.workers_alive.load(Ordering::SeqCst)
    }

    /// Trainings this process is running now.
    pub fn running_here(&self) -> usize {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Asks a queued or running training to stop; false when it is neither. A queued one is
    /// cancelled at once; a running one stops between trees or explained objects, within
    /// about a second (two if another process runs it).
    pub fn cancel(&self, id: &Uuid) -> StoreResult<bool> {
        if let Some(r) = self.running.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            r.cancelled.store(true, Ordering::Relaxed);
        }
        self.store.request_cancel(id)
    }
}

/// Counts a worker loop as alive for as long as it is held (readiness).
struct AliveGuard(Arc<std::sync::atomic::AtomicUsize>);

impl AliveGuard {
    fn enter(count: Arc<std::sync::atomic::AtomicUsize>) -> AliveGuard {
        count.fetch_add(1, Ordering::SeqCst);
        AliveGuard(count)
    }
}

impl Drop for AliveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
