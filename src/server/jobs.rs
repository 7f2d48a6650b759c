//! Runs trainings off the async runtime, at most N at once per server process. The queue
//! is the store itself: each worker claims the oldest queued session (so any process
//! sharing the database takes work, first come first served), runs the pipeline on a
//! thread of its own at low priority (serving requests comes first), sends a heartbeat
//! every second for the whole job, saving included (which also picks up a cancel asked
//! through any process), and records the outcome.
//!
//! Nothing accepted is lost: a training whose process dies is put back in the queue by any
//! process that sees its heartbeat go stale (see [`SessionStore::recover_stale`]), and a
//! graceful stop ([`JobRunner::shutdown`]) lets running trainings finish within a grace
//! period and puts back the rest. Trainings are deterministic, so a rerun gives the same
//! result.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{watch, Notify};
use uuid::Uuid;

use super::reports::training_result;
use super::retention::Retention;
use super::store::{now_ms, SessionStore, StoreResult, TrainingSession};
use crate::api::{ApiError, Headline, TrainRequest, TrainingStatus};
use crate::ml::pipeline::{self, TrainingConfig};
use crate::ml::progress::ProgressSink;
use crate::ml::MlError;

/// Turns a stored request into the pipeline's config (checked again: the request may have
/// been queued by another process, or before a restart).
pub type MakeConfig = Arc<dyn Fn(&TrainRequest) -> Result<TrainingConfig, ApiError> + Send + Sync>;

/// How often an idle worker looks for work queued by other processes (work queued by this
/// one wakes it at once).
const IDLE_POLL: Duration = Duration::from_millis(1000);
const HEARTBEAT_EVERY: Duration = Duration::from_millis(1000);
/// Progress is written at most this often (parallel tree builders report many times a second).
const PROGRESS_EVERY: Duration = Duration::from_millis(150);
const RETENTION_EVERY: Duration = Duration::from_secs(300);

/// How the runner treats interruptions.
#[derive(Debug, Clone, Copy)]
pub struct RunnerOptions {
    pub workers: usize,
    /// Claims a training gets before an interruption that keeps recurring fails it.
    pub max_attempts: u32,
    pub retention: Retention,
}

/// A training this process runs: its cancel flag, and whether a stop asked for it to be
/// put back in the queue rather than cancelled.
#[derive(Clone, Default)]
struct Running {
    cancelled: Arc<AtomicBool>,
    put_back: Arc<AtomicBool>,
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
}

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
        };
        for _ in 0..options.workers {
            let (runner, make_config) = (runner.clone(), make_config.clone());
            tokio::spawn(async move {
                // Counted alive while this loop runs; the guard's drop also covers a panic.
                let _alive = AliveGuard::enter(runner.workers_alive.clone());
                runner.work(options.retention, make_config).await;
            });
        }
        // Retention on a timer too (not only after trainings): uploads of refused requests
        // and the disk limit are looked after on an idle server as well.
        let (store, mut stopping) = (runner.store.clone(), runner.stopping.subscribe());
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(RETENTION_EVERY) => {}
                    _ = stopping.changed() => return,
                }
                let store = store.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    store.clean_orphans();
                    options.retention.enforce(store.as_ref());
                })
                .await;
            }
        });
        let (store, mut stopping) = (runner.store.clone(), runner.stopping.subscribe());
        tokio::spawn(async move {
            loop {
                let store = store.clone();
                let _ = tokio::task::spawn_blocking(move || store.recover_stale(options.max_attempts)).await;
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(super::store::HEARTBEAT_STALE_MS / 3)) => {}
                    _ = stopping.changed() => return,
                }
            }
        });
        runner
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

    /// One worker: claim, run, record, repeat; idle, wait for a wake-up or the next poll.
    async fn work(&self, retention: Retention, make_config: MakeConfig) {
        let mut stopping = self.stopping.subscribe();
        while !*stopping.borrow() {
            let store = self.store.clone();
            let claimed = match tokio::task::spawn_blocking(move || store.claim_next()).await {
                Ok(Ok(claimed)) => claimed,
                // The database is away: wait and ask again (the error is logged where it happened).
                _ => None,
            };
            match claimed {
                Some(session) => self.run(session, retention, &make_config).await,
                None => {
                    tokio::select! {
                        _ = self.work_queued.notified() => {}
                        _ = tokio::time::sleep(IDLE_POLL) => {}
                        _ = stopping.changed() => {}
                    }
                }
            }
        }
    }

    async fn run(&self, session: TrainingSession, retention: Retention, make_config: &MakeConfig) {
        let id = session.id;
        tracing::info!(%id, attempt = session.attempts, "training started");
        let started = Instant::now();
        let flags = Running::default();
        self.running.lock().unwrap_or_else(|e| e.into_inner()).insert(id, flags.clone());
        let progress = Arc::new(SessionProgress::new(self.store.clone(), id, flags.cancelled.clone()));
        // The heartbeat runs until the outcome is recorded, so saving a big model never
        // looks like a dead process.
        let heartbeat = {
            let (store, progress, cancelled) = (self.store.clone(), progress.clone(), flags.cancelled.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(HEARTBEAT_EVERY).await;
                    let (store, progress) = (store.clone(), progress.clone());
                    let cancel = tokio::task::spawn_blocking(move || {
                        progress.flush();
                        store.heartbeat(&id)
                    })
                    .await
                    .unwrap_or(false);
                    if cancel {
                        cancelled.store(true, Ordering::Relaxed);
                    }
                }
            })
        };
        let (finished, database_away) = match make_config(&session.request) {
            // Its uploaded table could not be read now: back to the queue, not a failure.
            Err(error) if error.code == "unavailable" => (Err(MlError::Cancelled), true),
            Err(error) => (Err(MlError::Training(error.message)), false),
            Ok(config) => (run_on_training_thread(id, config, progress.clone()).await, false),
        };
        let put_back =
            database_away || (flags.put_back.load(Ordering::SeqCst) && matches!(finished, Err(MlError::Cancelled)));
        let store = self.store.clone();
        let attempt = session.attempts;
        let _ = tokio::task::spawn_blocking(move || {
            if put_back {
                // A graceful stop, not a cancel: the training runs again from the queue.
                if store.put_back(&id) {
                    tracing::info!(%id, "training put back in the queue (server stopping)");
                }
                store.flush();
                return;
            }
            let status = record_outcome(&store, id, attempt, &session.request, finished);
            if status.is_finished() {
                super::metrics::training_finished(status.as_str(), started.elapsed().as_secs_f64());
            }
            retention.enforce_keeping(store.as_ref(), &id);
        })
        .await;
        heartbeat.abort();
        self.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
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

/// Runs the pipeline on a thread of its own at low priority: the async threads that answer
/// status polls and pages always win the cores, and a panic ends this training only.
async fn run_on_training_thread(
    id: Uuid,
    config: TrainingConfig,
    progress: Arc<SessionProgress>,
) -> Result<pipeline::TrainingOutcome, MlError> {
    let (done, outcome) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new().name(format!("training-{}", &id.to_string()[..8])).spawn(move || {
        super::priority::lower_this_thread();
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pipeline::run(&config, progress.as_ref())));
        let _ = done.send(result);
    });
    if let Err(error) = spawned {
        tracing::error!(%id, %error, "cannot start a training thread");
        return Err(MlError::Training("the server could not start a training thread; try again later".into()));
    }
    match outcome.await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) | Err(_) => {
            tracing::error!(%id, "training thread panicked");
            Err(MlError::Training("the worker stopped because of an internal error; it has been logged".into()))
        }
    }
}

/// Moves the session to its final state: completed with its result, cancelled, or failed.
/// Returns the final status. An outcome whose session was meanwhile taken back (its
/// heartbeat went stale and another worker claimed it, or it was recovered as failed) is
/// dropped: a status never moves from failed back to completed.
fn record_outcome(
    store: &Arc<dyn SessionStore>,
    id: Uuid,
    attempt: u32,
    request: &TrainRequest,
    finished: Result<pipeline::TrainingOutcome, MlError>,
) -> TrainingStatus {
    if let Ok(Some(now)) = store.status(&id) {
        if now.status != TrainingStatus::Running || now.attempts != attempt {
            tracing::warn!(%id, status = now.status.as_str(), "outcome dropped: the training was taken back while it ran");
            return now.status;
        }
    }
    if let Ok(outcome) = &finished {
        // The model first: a completed session always has its model file.
        // A fine-tuned model is saved in the shipped model's format (features, mission
        // handling, the ids it learned from), so it predicts exactly like the original.
        let json = match &outcome.fine_tune {
            Some(f) => serde_json::to_string(&f.model),
            None => serde_json::to_string(&outcome.model),
        };
        match json {
            Ok(json) => {
                if let Err(error) = with_retries("save the model", || store.save_model(&id, &json)) {
                    // Left running: its heartbeat stops, so it is queued again and rerun.
                    tracing::error!(%id, %error, "model not saved; the training will run again");
                    return TrainingStatus::Running;
                }
            }
            Err(error) => tracing::error!(%id, %error, "model not serialisable"),
        }
    }
    let finished = finished.map(|outcome| training_result(&id.to_string(), request, &outcome));
    let recorded = with_retries("record the outcome", || {
        store.finish(&id, &mut |s| {
            s.finished_at = Some(now_ms());
            match &finished {
                Ok(result) => {
                    s.status = TrainingStatus::Completed;
                    s.progress = 100.0;
                    s.step = "Done".into();
                    let m = result.metrics.as_ref();
                    s.headline = Some(Headline {
                        accuracy: m.map(|m| m.accuracy),
                        macro_f1: m.map(|m| m.macro_f1),
                        roc_auc: m.and_then(|m| m.roc_auc),
                    });
                    s.result = Some(Arc::new(result.clone()));
                }
                Err(MlError::Cancelled) => {
                    s.status = TrainingStatus::Cancelled;
                    s.step = "Cancelled".into();
                }
                Err(error) => {
                    s.status = TrainingStatus::Failed;
                    s.error = Some(format!("Training failed: {error}."));
                    s.step = "Failed".into();
                }
            }
        })
    });
    if let Err(error) = recorded {
        tracing::error!(%id, %error, "outcome not recorded; the training will run again");
        return TrainingStatus::Running;
    }
    match &finished {
        Ok(_) => {
            tracing::info!(%id, "training completed");
            TrainingStatus::Completed
        }
        Err(MlError::Cancelled) => {
            tracing::info!(%id, "training cancelled");
            TrainingStatus::Cancelled
        }
        Err(error) => {
            tracing::warn!(%id, %error, "training failed");
            TrainingStatus::Failed
        }
    }
}

/// Retries a store write while the database is away (0.5 s, 1 s, 2 s … about a minute in
/// all), so a database restart loses no finished training.
fn with_retries(what: &str, mut write: impl FnMut() -> StoreResult<()>) -> StoreResult<()> {
    let mut wait = Duration::from_millis(500);
    loop {
        match write() {
            Ok(()) => return Ok(()),
            Err(error) if wait <= Duration::from_secs(16) => {
                tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64, "could not {what}; retrying");
                std::thread::sleep(wait);
                wait *= 2;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Writes the pipeline's progress into the session, at most every [`PROGRESS_EVERY`] (the
/// latest report is kept and written by the next report or heartbeat). Reports from
/// parallel tree builders can arrive slightly out of order, so progress only moves forward.
struct SessionProgress {
    store: Arc<dyn SessionStore>,
    id: Uuid,
    cancelled: Arc<AtomicBool>,
    /// The latest report (percent, step), whether it is written, and when we last wrote.
    latest: Mutex<(f64, String, bool, Instant)>,
}

impl SessionProgress {
    fn new(store: Arc<dyn SessionStore>, id: Uuid, cancelled: Arc<AtomicBool>) -> Self {
        SessionProgress {
            store,
            id,
            cancelled,
            latest: Mutex::new((0.0, String::new(), true, Instant::now() - PROGRESS_EVERY)),
        }
    }

    /// Writes the latest report if it is not written yet.
    fn flush(&self) {
        let (percent, step) = {
            let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
            if latest.2 {
                return;
            }
            latest.2 = true;
            latest.3 = Instant::now();
            (latest.0, latest.1.clone())
        };
        self.store.update(&self.id, &mut |s| {
            if percent >= s.progress {
                s.progress = percent;
                s.step = step.clone();
            }
        });
    }
}

impl ProgressSink for SessionProgress {
    fn report(&self, fraction: f64, step: &str) {
        let percent = (fraction * 100.0).clamp(0.0, 100.0);
        let due = {
            let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
            if percent < latest.0 {
                return;
            }
            *latest = (percent, step.to_string(), false, latest.3);
            latest.3.elapsed() >= PROGRESS_EVERY
        };
        if due {
            self.flush();
        }
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::hyperparameters::RawHyperparameters;
    use crate::ml::models::{ModelKind, ModelParams};
    use crate::ml::pipeline::SplitRule;
    use crate::ml::Mission;
    use crate::server::store::MemoryStore;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    /// A runner with one worker that trains on Kepler, reading tables from `data_dir`.
    fn runner(store: &Arc<dyn SessionStore>, data_dir: PathBuf) -> JobRunner {
        let make_config: MakeConfig = Arc::new(move |r: &TrainRequest| {
            let kind = ModelKind::from_id(&r.model).ok_or_else(|| ApiError::new("unknown_model", "unknown model"))?;
            Ok(TrainingConfig {
                mission: Mission::Kepler,
                params: ModelParams::check(kind, &r.hyperparameters)
                    .map_err(|e| ApiError::new("invalid_hyperparameter", e.to_string()))?,
                seed: r.seed,
                split: SplitRule::Grouped { test_fraction: r.test_fraction },
                data_dir: data_dir.clone(),
                cross_validation: false,
                upload: None,
                transfer_to: None,
                fine_tune: None,
            })
        });
        let options = RunnerOptions {
            workers: 1,
            max_attempts: 3,
            retention: Retention { max_sessions: 100, max_disk_bytes: u64::MAX },
        };
        JobRunner::new(options, store.clone(), make_config)
    }

    /// Queues a Kepler training of `kind` with `raw` hyperparameters.
    fn submit(store: &Arc<dyn SessionStore>, runner: &JobRunner, kind: ModelKind, raw: serde_json::Value) -> Uuid {
        let id = Uuid::new_v4();
        let raw: RawHyperparameters = serde_json::from_value(raw).unwrap();
        let request = TrainRequest {
            dataset: "kepler".into(),
            model: kind.id().into(),
            hyperparameters: raw,
            seed: 1,
            test_fraction: 0.2,
            preset: None,
            cross_validation: false,
            mapping: None,
            upload: None,
            transfer_to: None,
            fine_tune: None,
            columns: None,
        };
        store.insert(TrainingSession::queued(id, request, None)).unwrap();
        runner.queued();
        id
    }

    fn big_forest(store: &Arc<dyn SessionStore>, runner: &JobRunner) -> Uuid {
        submit(store, runner, ModelKind::RandomForest, serde_json::json!({"n_trees": 1000}))
    }

    async fn wait_finished(store: &Arc<dyn SessionStore>, id: &Uuid) -> TrainingSession {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let s = store.get(id).unwrap().unwrap();
            if s.status.is_finished() {
                return s;
            }
            assert!(Instant::now() < deadline, "not finished: {}", s.step);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A training that cannot run ends `failed` with a message saying why, never stuck.
    #[tokio::test]
    async fn failing_training_is_marked_failed_with_reason() {
        let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
        let runner = runner(&store, "/nonexistent-data-dir".into());
        let id = submit(&store, &runner, ModelKind::DecisionTree, serde_json::json!({}));
        let s = wait_finished(&store, &id).await;
        assert_eq!(s.status, TrainingStatus::Failed);
        let error = s.error.unwrap();
        assert!(error.contains("koi_cumulative.csv"), "{error}");
        assert!(s.finished_at.is_some());
    }

    /// A running training stops soon after the request; a queued one never starts.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancel_stops_running_and_queued_trainings() {
        let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
        let runner = runner(&store, PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"));
        let running = big_forest(&store, &runner);
        let queued = big_forest(&store, &runner);
        while store.get(&running).unwrap().unwrap().status != TrainingStatus::Running {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(runner.cancel(&queued).unwrap());
        let asked = Instant::now();
        assert!(runner.cancel(&running).unwrap());
        let s = wait_finished(&store, &running).await;
        assert_eq!(s.status, TrainingStatus::Cancelled);
        assert!(asked.elapsed() < Duration::from_secs(5), "took {:?}", asked.elapsed());
        let q = wait_finished(&store, &queued).await;
        assert_eq!(q.status, TrainingStatus::Cancelled);
        assert!(q.started_at.is_none(), "a cancelled queued training never runs");
        assert!(!runner.cancel(&running).unwrap(), "nothing left to cancel");
    }
}
