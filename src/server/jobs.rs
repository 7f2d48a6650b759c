//! Runs trainings off the async runtime, at most N at once. Each job moves its session
//! through queued → running → completed | failed, and the pipeline's progress reports are
//! written straight into the session so the progress page reads real progress.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;
use uuid::Uuid;

use super::reports::training_result;
use super::retention::Retention;
use super::store::{now_ms, SessionStore};
use crate::api::{Headline, TrainRequest, TrainingStatus};
use crate::ml::pipeline::{self, TrainingConfig};
use crate::ml::progress::ProgressSink;
use crate::ml::MlError;

/// A training waiting for a slot.
type Job = Box<dyn FnOnce(tokio::sync::OwnedSemaphorePermit) + Send>;

#[derive(Clone)]
pub struct JobRunner {
    /// Jobs in submission order, handed out by one dispatcher so the queue is first come,
    /// first served (separately spawned tasks would race for the slots in any order).
    queue: tokio::sync::mpsc::UnboundedSender<Job>,
    store: Arc<dyn SessionStore>,
    retention: Retention,
    /// Cancel flags of the trainings not yet finished, polled by their workers.
    cancel_flags: Arc<Mutex<HashMap<Uuid, Arc<AtomicBool>>>>,
}

impl JobRunner {
    /// Starts the dispatcher; call from within the tokio runtime.
    pub fn new(max_concurrent: usize, store: Arc<dyn SessionStore>, retention: Retention) -> Self {
        let slots = Arc::new(Semaphore::new(max_concurrent.max(1)));
        let (queue, mut waiting) = tokio::sync::mpsc::unbounded_channel::<Job>();
        tokio::spawn(async move {
            while let Some(job) = waiting.recv().await {
                let Ok(slot) = slots.clone().acquire_owned().await else { return };
                job(slot);
            }
        });
        JobRunner { queue, store, retention, cancel_flags: Default::default() }
    }

    /// Asks a queued or running training to stop; false when it is not (or no longer) running.
    /// A running worker notices between trees or explained objects, within about a second.
    pub fn cancel(&self, id: &Uuid) -> bool {
        let flags = self.cancel_flags.lock().unwrap_or_else(|e| e.into_inner());
        match flags.get(id) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Queues a training; returns at once. The session must already be in the store.
    pub fn submit(&self, id: Uuid, request: TrainRequest, config: TrainingConfig) {
        let (store, retention) = (self.store.clone(), self.retention);
        let cancelled = Arc::new(AtomicBool::new(false));
        self.cancel_flags.lock().unwrap_or_else(|e| e.into_inner()).insert(id, cancelled.clone());
        let flags = self.cancel_flags.clone();
        let job: Job = Box::new(move |slot| {
            tokio::spawn(async move {
                let _slot = slot; // held until the job has recorded its outcome
                let finished = if cancelled.load(Ordering::Relaxed) {
                    Err(MlError::Cancelled)
                } else {
                    run_job(&store, id, config, cancelled).await
                };
                flags.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
                // Serialising a big model and writing it takes a moment: off the async threads.
                let keep = store.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    record_outcome(&keep, id, &request, finished);
                    retention.enforce(keep.as_ref());
                })
                .await;
            });
        });
        if self.queue.send(job).is_err() {
            tracing::error!(%id, "the job dispatcher has stopped; training not started");
        }
    }
}

/// Runs the pipeline on the blocking pool, the session marked running meanwhile.
async fn run_job(
    store: &Arc<dyn SessionStore>,
    id: Uuid,
    config: TrainingConfig,
    cancelled: Arc<AtomicBool>,
) -> Result<pipeline::TrainingOutcome, MlError> {
    store.update(&id, &mut |s| {
        s.status = TrainingStatus::Running;
        s.started_at = Some(now_ms());
        s.step = "Starting".into();
    });
    let worker_store = store.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let sink = SessionProgress { store: worker_store, id, cancelled };
        pipeline::run(&config, &sink)
    })
    .await;
    outcome.unwrap_or_else(|join_error| {
        tracing::error!(%id, %join_error, "training worker crashed");
        Err(MlError::Training("the worker stopped because of an internal error; it has been logged".into()))
    })
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
        match serde_json::to_string(&outcome.model) {
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
                s.headline = Some(Headline {
                    accuracy: result.metrics.accuracy,
                    macro_f1: result.metrics.macro_f1,
                    roc_auc: result.metrics.roc_auc,
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

/// Writes the pipeline's progress into the session. Reports from parallel tree builders
/// can arrive slightly out of order, so progress only ever moves forward.
struct SessionProgress {
    store: Arc<dyn SessionStore>,
    id: Uuid,
    cancelled: Arc<AtomicBool>,
}

impl ProgressSink for SessionProgress {
    fn report(&self, fraction: f64, step: &str) {
        let percent = (fraction * 100.0).clamp(0.0, 100.0);
        self.store.update(&self.id, &mut |s| {
            if percent >= s.progress {
                s.progress = percent;
                s.step = step.to_string();
            }
        });
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
    use crate::server::store::{MemoryStore, TrainingSession};
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    /// Queues a Kepler training of `kind` with `raw` hyperparameters, reading tables from `data_dir`.
    fn submit(
        store: &Arc<dyn SessionStore>,
        runner: &JobRunner,
        kind: ModelKind,
        raw: serde_json::Value,
        data_dir: PathBuf,
    ) -> Uuid {
        let id = Uuid::new_v4();
        let raw: RawHyperparameters = serde_json::from_value(raw).unwrap();
        let request = TrainRequest {
            dataset: "kepler".into(),
            model: kind.id().into(),
            hyperparameters: raw.clone(),
            seed: 1,
            test_fraction: 0.2,
            preset: None,
            cross_validation: false,
            mapping: None,
            upload: None,
        };
        let config = TrainingConfig {
            mission: Mission::Kepler,
            params: ModelParams::check(kind, &raw).unwrap(),
            seed: 1,
            split: SplitRule::Grouped { test_fraction: 0.2 },
            data_dir,
            cross_validation: false,
            upload: None,
        };
        store.insert(TrainingSession::queued(id, request.clone()));
        runner.submit(id, request, config);
        id
    }

    fn big_forest(store: &Arc<dyn SessionStore>, runner: &JobRunner) -> Uuid {
        let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        submit(store, runner, ModelKind::RandomForest, serde_json::json!({"n_trees": 1000}), data_dir)
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
        let runner = JobRunner::new(1, store.clone(), Retention { max_sessions: 100, max_disk_bytes: u64::MAX });
        let id =
            submit(&store, &runner, ModelKind::DecisionTree, serde_json::json!({}), "/nonexistent-data-dir".into());
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
        let runner = JobRunner::new(1, store.clone(), Retention { max_sessions: 100, max_disk_bytes: u64::MAX });
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
