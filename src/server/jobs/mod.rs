//! Runs trainings off the async runtime, at most N at once per server process. The queue
//! is the store itself: each worker claims the next queued session (so any process sharing
//! the database takes work), taking turns between principals so that one with many queued
//! trainings delays only itself, and no principal holds more than its share of the
//! workers; it runs the pipeline on a
//! thread of its own at low priority (serving requests comes first), sends a heartbeat
//! every second for the whole job, saving included (which also picks up a cancel asked
//! through any process), and records the outcome.
//!
//! Nothing accepted is lost: a training whose process dies is put back in the queue by any
//! process that sees its heartbeat go stale (see [`SessionStore::recover_stale`]), and a
//! graceful stop ([`JobRunner::shutdown`]) lets running trainings finish within a grace
//! period and puts back the rest. Trainings are deterministic, so a rerun gives the same
//! result.

mod background;
mod outcome;
mod progress;
mod runner;
mod shutdown;
#[cfg(test)]
mod tests;
mod worker;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use tokio::sync::{watch, Notify};
use uuid::Uuid;

use super::retention::Retention;
use super::store::{SessionStore, UploadedFiles};
use crate::api::{ApiError, TrainRequest};
use crate::ml::pipeline::TrainingConfig;

/// Turns a stored request into the pipeline's config (checked again: the request may have
/// been queued by another process, or before a restart).
pub type MakeConfig =
    Arc<dyn Fn(&TrainRequest, Option<&UploadedFiles>) -> Result<TrainingConfig, ApiError> + Send + Sync>;

/// How the runner shares its workers and treats interruptions.
#[derive(Debug, Clone)]
pub struct RunnerOptions {
    pub workers: usize,
    /// Claims a training gets before an interruption that keeps recurring fails it.
    pub max_attempts: u32,
    pub retention: Retention,
    /// Trainings one principal may have running at once (claims take turns between
    /// principals: see `database::queue`).
    pub running_per_principal: usize,
    /// Longest a training may run (`EXO_MAX_TRAINING_S`); reaching it fails the training.
    pub time_limit: std::time::Duration,
}

/// A training this process runs: its cancel flag, whether a stop asked for it to be put
/// back in the queue rather than cancelled, and whether it reached its time limit.
#[derive(Clone, Default)]
struct Running {
    cancelled: Arc<AtomicBool>,
    put_back: Arc<AtomicBool>,
    timed_out: Arc<AtomicBool>,
}

#[derive(Clone)]
pub struct JobRunner {
    store: Arc<dyn SessionStore>,
    /// Wakes an idle worker of this process when a training is queued here.
    work_queued: Arc<Notify>,
    /// The trainings this process runs, polled by their workers.
    running: Arc<Mutex<HashMap<Uuid, Running>>>,
    /// Set once on shutdown: workers claim nothing more.
    stopping: watch::Sender<bool>,
    /// Workers whose loop is alive (readiness).
    workers_alive: Arc<std::sync::atomic::AtomicUsize>,
    /// Retention's limits and the storage gauge (measured again after a purge).
    retention: Retention,
}
