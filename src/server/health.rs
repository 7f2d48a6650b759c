//! Liveness of this process's training workers, for `GET /api/v1/ready`.
//!
//! Each worker holds a [`WorkerAlive`] guard for as long as its loop runs: the count goes up
//! when the worker starts and down when its task ends for any reason (a panic or an abort
//! drops the guard too). The count is per process (a static), like the workers themselves.

use std::sync::atomic::{AtomicUsize, Ordering};

static WORKERS_ALIVE: AtomicUsize = AtomicUsize::new(0);

/// Held by a running training worker; see the module note.
#[must_use = "the worker counts as alive only while the guard is held"]
pub struct WorkerAlive(());

impl WorkerAlive {
    pub fn enter() -> WorkerAlive {
        WORKERS_ALIVE.fetch_add(1, Ordering::SeqCst);
        WorkerAlive(())
    }
}

impl Drop for WorkerAlive {
    fn drop(&mut self) {
        WORKERS_ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Training workers of this process whose loop is running.
pub fn workers_alive() -> usize {
    WORKERS_ALIVE.load(Ordering::SeqCst)
}

/// `GET /api/v1/ready`: the database answers a trivial query (within 2 s) and every
/// training worker of this process is running. Otherwise a 503 `not_ready` naming what is
/// down (details in the log).
pub async fn readiness(state: &super::state::AppState) -> Result<(), crate::api::ApiError> {
    let mut down = Vec::new();
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || store.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            down.push("the database".to_string());
        }
        Err(error) => {
            tracing::error!(%error, "not ready: the database check crashed");
            down.push("the database".to_string());
        }
    }
    let (alive, expected) = (workers_alive(), state.config.max_concurrent_trainings.max(1));
    if alive < expected {
        tracing::warn!(alive, expected, "not ready: training workers are not running");
        down.push(format!("the training workers ({alive} of {expected} running)"));
    }
    if down.is_empty() {
        Ok(())
    } else {
        Err(crate::api::ApiError::new("not_ready", format!("Not ready: {} not available.", down.join(" and "))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guard_counts_while_held() {
        let before = workers_alive();
        let guard = WorkerAlive::enter();
        assert!(workers_alive() >= before + 1);
        drop(guard);
    }
}
