//! A graceful stop: running trainings get a grace period, the rest go back in the queue.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::JobRunner;

impl JobRunner {
    /// A graceful stop: claim nothing more, give running trainings `grace` to finish, then
    /// stop the rest and put them back in the queue (another process, or this one after a
    /// restart, runs them again), and wait for every write to reach the database.
    pub async fn shutdown(&self, grace: Duration) {
        self.stopping.send_replace(true);
        self.work_queued.notify_waiters();
        let deadline = Instant::now() + grace;
        while self.running_here() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let left: Vec<Uuid> = {
            let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
            for r in running.values() {
                r.put_back.store(true, Ordering::SeqCst);
                r.cancelled.store(true, Ordering::SeqCst);
            }
            running.keys().copied().collect()
        };
        if !left.is_empty() {
            tracing::info!(trainings = left.len(), "grace period over; putting unfinished trainings back in the queue");
        }
        // Cancelled trainings stop within about a second (between trees, epochs, solver
        // steps or explained blocks); one that does not answer in time is put back anyway.
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.running_here() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let store = self.store.clone();
        let _ = tokio::task::spawn_blocking(move || {
            for id in &left {
                store.put_back(id);
            }
            store.flush();
        })
        .await;
    }
}
