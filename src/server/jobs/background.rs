//! The runner's background tasks, until shutdown: retention on a timer, and the watch that
//! puts back in the queue (or fails) trainings whose process stopped.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::server::retention::Retention;
use crate::server::store::{SessionStore, HEARTBEAT_STALE_MS};

const RETENTION_EVERY: Duration = Duration::from_secs(60);

/// At start-up and every [`RETENTION_EVERY`]: sweeps orphaned documents, expires inactive
/// anonymous work and measures the disk (a full one refuses new work).
pub(super) fn spawn_retention(store: Arc<dyn SessionStore>, mut stopping: watch::Receiver<bool>, retention: Retention) {
    tokio::spawn(async move {
        let mut first = true;
        loop {
            if !first {
                tokio::select! {
                    _ = tokio::time::sleep(RETENTION_EVERY) => {}
                    _ = stopping.changed() => return,
                }
            }
            let (store, retention, sweep) = (store.clone(), retention.clone(), !first);
            first = false;
            let _ = tokio::task::spawn_blocking(move || {
                // The store swept its orphans when it opened.
                if sweep {
                    store.clean_orphans();
                }
                retention.enforce(store.as_ref());
            })
            .await;
        }
    });
}

/// Recovers stale trainings now and every third of [`HEARTBEAT_STALE_MS`].
pub(super) fn spawn_stale_recovery(
    store: Arc<dyn SessionStore>,
    mut stopping: watch::Receiver<bool>,
    max_attempts: u32,
) {
    tokio::spawn(async move {
        loop {
            let store = store.clone();
            let _ = tokio::task::spawn_blocking(move || store.recover_stale(max_attempts)).await;
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(HEARTBEAT_STALE_MS / 3)) => {}
                _ = stopping.changed() => return,
            }
        }
    });
}
