//! Runs trainings off the async runtime, at most N at once. Each job moves its session
//! through queued → running → completed | failed, and the pipeline's progress reports are
//! written straight into the session so the progress page reads real progress.

use std::sync::Arc;

use tokio::sync::Semaphore;
use uuid::Uuid;

use super::reports::training_result;
use super::store::{now_ms, SessionStore};
use crate::api::{TrainRequest, TrainingStatus};
use crate::ml::pipeline::{self, TrainingConfig};
use crate::ml::progress::ProgressSink;
use crate::ml::MlError;

#[derive(Clone)]
pub struct JobRunner {
    slots: Arc<Semaphore>,
    store: Arc<dyn SessionStore>,
}

impl JobRunner {
    pub fn new(max_concurrent: usize, store: Arc<dyn SessionStore>) -> Self {
        JobRunner { slots: Arc::new(Semaphore::new(max_concurrent.max(1))), store }
    }

    /// Queues a training; returns at once. The session must already be in the store.
    pub fn submit(&self, id: Uuid, request: TrainRequest, config: TrainingConfig) {
        let (slots, store) = (self.slots.clone(), self.store.clone());
        tokio::spawn(async move {
            let Ok(_slot) = slots.acquire_owned().await else { return };
            store.update(&id, &mut |s| {
                s.status = TrainingStatus::Running;
                s.started_at = Some(now_ms());
                s.step = "Starting".into();
            });
            let worker_store = store.clone();
            let outcome = tokio::task::spawn_blocking(move || {
                let sink = SessionProgress { store: worker_store, id };
                pipeline::run(&config, &sink)
            })
            .await;
            let finished = match outcome {
                Ok(Ok(outcome)) => Ok(training_result(&id.to_string(), &request, &outcome)),
                Ok(Err(error)) => Err(user_message(&error)),
                Err(join_error) => {
                    tracing::error!(%id, %join_error, "training worker crashed");
                    Err("The training stopped because of an internal error; it has been logged.".to_string())
                }
            };
            store.update(&id, &mut |s| {
                s.finished_at = Some(now_ms());
                match &finished {
                    Ok(result) => {
                        s.status = TrainingStatus::Completed;
                        s.progress = 100.0;
                        s.step = "Done".into();
                        s.result = Some(Arc::new(result.clone()));
                    }
                    Err(message) => {
                        s.status = TrainingStatus::Failed;
                        s.error = Some(message.clone());
                        s.step = "Failed".into();
                    }
                }
            });
            match &finished {
                Ok(_) => tracing::info!(%id, "training completed"),
                Err(message) => tracing::warn!(%id, %message, "training failed"),
            }
        });
    }
}

fn user_message(error: &MlError) -> String {
    match error {
        MlError::Cancelled => "The training was cancelled.".into(),
        other => format!("Training failed: {other}."),
    }
}

/// Writes the pipeline's progress into the session. Reports from parallel tree builders
/// can arrive slightly out of order, so progress only ever moves forward.
struct SessionProgress {
    store: Arc<dyn SessionStore>,
    id: Uuid,
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::hyperparameters::RawHyperparameters;
    use crate::ml::models::{ModelKind, ModelParams};
    use crate::ml::pipeline::SplitRule;
    use crate::ml::Mission;
    use crate::server::store::{MemoryStore, TrainingSession};
    use std::time::Duration;

    /// A training that cannot run ends `failed` with a message saying why, never stuck.
    #[tokio::test]
    async fn failing_training_is_marked_failed_with_reason() {
        let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
        let runner = JobRunner::new(1, store.clone());
        let id = Uuid::new_v4();
        let request = TrainRequest {
            dataset: "kepler".into(),
            model: "decision_tree".into(),
            hyperparameters: Default::default(),
            seed: 1,
            test_fraction: 0.2,
        };
        let config = TrainingConfig {
            mission: Mission::Kepler,
            params: ModelParams::check(ModelKind::DecisionTree, &RawHyperparameters::new()).unwrap(),
            seed: 1,
            split: SplitRule::Grouped { test_fraction: 0.2 },
            data_dir: "/nonexistent-data-dir".into(),
        };
        store.insert(TrainingSession::queued(id, request.clone()));
        runner.submit(id, request, config);
        for _ in 0..100 {
            let s = store.get(&id).unwrap();
            if s.status.is_finished() {
                assert_eq!(s.status, TrainingStatus::Failed);
                let error = s.error.unwrap();
                assert!(error.contains("koi_cumulative.csv"), "{error}");
                assert!(s.finished_at.is_some());
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the training never finished");
    }
}
