//! Runs trainings off the async runtime, at most N at once per server process. The queue
//! is the store itself: each worker claims the oldest queued session (so any process
//! sharing the database takes work, first come first served), runs the pipeline on the
//! blocking pool with its progress written into the session, sends a heartbeat every
//! second (which also picks up a cancel asked through any process), and records the
//! outcome.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use uuid::Uuid;

use super::reports::training_result;
use super::retention::Retention;
use super::store::{now_ms, SessionStore, TrainingSession};
use crate::api::{Headline, TrainRequest, TrainingStatus};
use crate::ml::pipeline::{self, TrainingConfig};
use crate::ml::progress::ProgressSink;
use crate::ml::MlError;

/// Turns a stored request into the pipeline's config (checked again: the request may have
/// been queued by another process, or before a restart).
pub type MakeConfig = Arc<dyn Fn(&TrainRequest) -> Result<TrainingConfig, String> + Send + Sync>;

/// How often an idle worker looks for work queued by other processes (work queued by this
/// one wakes it at once).
const IDLE_POLL: Duration = Duration::from_millis(1000);
const HEARTBEAT_EVERY: Duration = Duration::from_millis(1000);
/// Progress is written at most this often (parallel tree builders report many times a second).
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

#[derive(Clone)]
pub struct JobRunner {
    store: Arc<dyn SessionStore>,
    /// Wakes an idle worker of this process when a training is queued here.
    work_queued: Arc<Notify>,
    /// Cancel flags of the trainings this process runs, polled by their workers.
    cancel_flags: Arc<Mutex<HashMap<Uuid, Arc<AtomicBool>>>>,
}

impl JobRunner {
    /// Starts `workers` workers and the watch for dead processes' trainings; call from
    /// within the tokio runtime.
    pub fn new(workers: usize, store: Arc<dyn SessionStore>, retention: Retention, make_config: MakeConfig) -> Self {
        let runner = JobRunner { store, work_queued: Arc::new(Notify::new()), cancel_flags: Default::default() };
        for _ in 0..workers.max(1) {
            let (runner, make_config) = (runner.clone(), make_config.clone());
            tokio::spawn(async move { runner.work(retention, make_config).await });
        }
        let store = runner.store.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(super::store::HEARTBEAT_STALE_MS / 3)).await;
                let store = store.clone();
                let _ = tokio::task::spawn_blocking(move || store.interrupt_stale()).await;
            }
        });
        runner
    }

    /// Tells the workers a training was queued (the session must already be in the store).
    pub fn queued(&self) {
        self.work_queued.notify_one();
    }

    /// Asks a queued or running training to stop; false when it is neither. A queued one is
    /// cancelled at once; a running one stops between trees or explained objects, within
    /// about a second (two if another process runs it).
    pub fn cancel(&self, id: &Uuid) -> bool {
        if let Some(flag) = self.cancel_flags.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            flag.store(true, Ordering::Relaxed);
        }
        self.store.request_cancel(id)
    }

    /// One worker: claim, run, record, repeat; idle, wait for a wake-up or the next poll.
    async fn work(&self, retention: Retention, make_config: MakeConfig) {
        // Readiness (`GET /api/v1/ready`) counts this worker as alive while the guard lives.
        let _alive = super::health::WorkerAlive::enter();
        loop {
            let store = self.store.clone();
            let claimed = tokio::task::spawn_blocking(move || store.claim_next()).await.ok().flatten();
            match claimed {
                Some(session) => self.run(session, retention, &make_config).await,
                None => {
                    tokio::select! {
                        _ = self.work_queued.notified() => {}
                        _ = tokio::time::sleep(IDLE_POLL) => {}
                    }
                }
            }
        }
    }

    async fn run(&self, session: TrainingSession, retention: Retention, make_config: &MakeConfig) {
        let id = session.id;
        tracing::info!(%id, "training started");
        let cancelled = Arc::new(AtomicBool::new(false));
        self.cancel_flags.lock().unwrap_or_else(|e| e.into_inner()).insert(id, cancelled.clone());
        let progress = Arc::new(SessionProgress::new(self.store.clone(), id, cancelled.clone()));
        let heartbeat = {
            let (store, progress, cancelled) = (self.store.clone(), progress.clone(), cancelled.clone());
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
        let finished = match make_config(&session.request) {
            Err(reason) => Err(MlError::Training(reason)),
            Ok(config) => {
                let sink = progress.clone();
                tokio::task::spawn_blocking(move || pipeline::run(&config, sink.as_ref())).await.unwrap_or_else(|join_error| {
                    tracing::error!(%id, %join_error, "training worker crashed");
                    Err(MlError::Training("the worker stopped because of an internal error; it has been logged".into()))
                })
            }
        };
        heartbeat.abort();
        self.cancel_flags.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
        // Serialising a big model and writing it takes a moment: off the async threads.
        let store = self.store.clone();
        let _ = tokio::task::spawn_blocking(move || {
            record_outcome(&store, id, &session.request, finished);
            retention.enforce(store.as_ref());
        })
        .await;
    }
}

/// Moves the session to its final state: completed with its result, cancelled, or failed.
fn record_outcome(
    store: &Arc<dyn SessionStore>,
    id: Uuid,
    request: &TrainRequest,
    finished: Result<pipeline::TrainingOutcome, MlError>,
) {
    if let Ok(outcome) = &finished {
        // The model first: a completed session always has its model file.
        // A fine-tuned model is saved in the shipped model's format (features, mission
        // handling, the ids it learned from), so it predicts exactly like the original.
        let json = match &outcome.fine_tune {
            Some(f) => serde_json::to_string(&f.model),
            None => serde_json::to_string(&outcome.model),
        };
        match json {
            Ok(json) => store.save_model(&id, &json),
            Err(error) => tracing::error!(%id, %error, "model not serialisable"),
        }
    }
    let finished = finished.map(|outcome| training_result(&id.to_string(), request, &outcome));
    store.update(&id, &mut |s| {
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
    });
    match &finished {
        Ok(_) => tracing::info!(%id, "training completed"),
        Err(MlError::Cancelled) => tracing::info!(%id, "training cancelled"),
        Err(error) => tracing::warn!(%id, %error, "training failed"),
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
        SessionProgress { store, id, cancelled, latest: Mutex::new((0.0, String::new(), true, Instant::now() - PROGRESS_EVERY)) }
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
            let kind = ModelKind::from_id(&r.model).ok_or("unknown model")?;
            Ok(TrainingConfig {
                mission: Mission::Kepler,
                params: ModelParams::check(kind, &r.hyperparameters).map_err(|e| e.to_string())?,
                seed: r.seed,
                split: SplitRule::Grouped { test_fraction: r.test_fraction },
                data_dir: data_dir.clone(),
                cross_validation: false,
                upload: None,
                transfer_to: None,
                fine_tune: None,
            })
        });
        JobRunner::new(1, store.clone(), Retention { max_sessions: 100, max_disk_bytes: u64::MAX }, make_config)
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
        store.insert(TrainingSession::queued(id, request));
        runner.queued();
        id
    }

    fn big_forest(store: &Arc<dyn SessionStore>, runner: &JobRunner) -> Uuid {
        submit(store, runner, ModelKind::RandomForest, serde_json::json!({"n_trees": 1000}))
    }

    async fn wait_finished(store: &Arc<dyn SessionStore>, id: &Uuid) -> TrainingSession {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let s = store.get(id).unwrap();
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
        while store.get(&running).unwrap().status != TrainingStatus::Running {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(runner.cancel(&queued));
        let asked = Instant::now();
        assert!(runner.cancel(&running));
        let s = wait_finished(&store, &running).await;
        assert_eq!(s.status, TrainingStatus::Cancelled);
        assert!(asked.elapsed() < Duration::from_secs(5), "took {:?}", asked.elapsed());
        let q = wait_finished(&store, &queued).await;
        assert_eq!(q.status, TrainingStatus::Cancelled);
        assert!(q.started_at.is_none(), "a cancelled queued training never runs");
        assert!(!runner.cancel(&running), "nothing left to cancel");
    }
}
