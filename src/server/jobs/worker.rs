//! One worker's loop, and running one claimed training: on a low-priority thread of its
//! own, with a heartbeat until its outcome is recorded.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::outcome::{publish_scores, record_outcome};
use super::progress::SessionProgress;
use super::{JobRunner, MakeConfig, RunnerOptions, Running};
use crate::domain::ErrorCode;
use crate::ml::pipeline::{self, TrainingConfig};
use crate::ml::MlError;
use crate::server::store::TrainingSession;

/// How often an idle worker looks for work queued by other processes (work queued by this
/// one wakes it at once).
const IDLE_POLL: Duration = Duration::from_millis(1000);
const HEARTBEAT_EVERY: Duration = Duration::from_millis(1000);

impl JobRunner {
    /// One worker: claim, run, record, repeat; idle, wait for a wake-up or the next poll.
    pub(super) async fn work(&self, options: RunnerOptions, make_config: MakeConfig) {
        let mut stopping = self.stopping.subscribe();
        while !*stopping.borrow() {
            let (store, limit) = (self.store.clone(), options.running_per_principal);
            let claimed = match tokio::task::spawn_blocking(move || store.claim_next(limit)).await {
                Ok(Ok(claimed)) => claimed,
                // The database is away: wait and ask again (the error is logged where it happened).
                _ => None,
            };
            match claimed {
                Some(session) => self.run(session, &options, &make_config).await,
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

    async fn run(&self, session: TrainingSession, options: &RunnerOptions, make_config: &MakeConfig) {
        let id = session.id;
        tracing::info!(%id, attempt = session.attempts, "training started");
        let started = Instant::now();
        let flags = Running::default();
        self.running.lock().unwrap_or_else(|e| e.into_inner()).insert(id, flags.clone());
        // The wall-clock limit: past it the training is stopped as a cancel is, and failed.
        let time_limit = {
            let (cancelled, timed_out, limit) = (flags.cancelled.clone(), flags.timed_out.clone(), options.time_limit);
            tokio::spawn(async move {
                tokio::time::sleep(limit).await;
                timed_out.store(true, Ordering::SeqCst);
                cancelled.store(true, Ordering::Relaxed);
            })
        };
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
        let (finished, database_away) = match make_config(&session.request, session.upload.as_ref()) {
            // Its uploaded table could not be read now: back to the queue, not a failure.
            Err(error) if error.code == ErrorCode::Unavailable => (Err(MlError::Cancelled), true),
            Err(error) => (Err(MlError::Training(error.message)), false),
            Ok(config) => {
                let (store, published) = (self.store.clone(), session.clone());
                let publish = move |outcome: &pipeline::TrainingOutcome| {
                    publish_scores(&store, id, published.attempts, &published, outcome)
                };
                (run_on_training_thread(id, config, progress.clone(), Box::new(publish)).await, false)
            }
        };
        time_limit.abort();
        let finished = match finished {
            Err(MlError::Cancelled) if flags.timed_out.load(Ordering::SeqCst) => Err(MlError::Training(format!(
                "it ran for longer than the {} s one training may take (EXO_MAX_TRAINING_S); try fewer rows, trees, rounds or tuning trials",
                options.time_limit.as_secs()
            ))),
            other => other,
        };
        let put_back =
            database_away || (flags.put_back.load(Ordering::SeqCst) && matches!(finished, Err(MlError::Cancelled)));
        let (store, retention) = (self.store.clone(), options.retention.clone());
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
            let status = record_outcome(&store, id, attempt, &session, finished);
            if status.is_finished() {
                crate::server::metrics::training_finished(status.as_str(), started.elapsed().as_secs_f64());
            }
            retention.after_training(store.as_ref());
        })
        .await;
        heartbeat.abort();
        self.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }
}

/// Runs the pipeline on a thread of its own at low priority: the async threads that answer
/// status polls and pages always win the cores, and a panic ends this training only.
async fn run_on_training_thread(
    id: Uuid,
    config: TrainingConfig,
    progress: Arc<SessionProgress>,
    mut publish: Box<dyn FnMut(&pipeline::TrainingOutcome) + Send>,
) -> Result<pipeline::TrainingOutcome, MlError> {
    let (done, outcome) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new().name(format!("training-{}", &id.to_string()[..8])).spawn(move || {
        crate::server::priority::lower_this_thread();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline::run_with(&config, progress.as_ref(), &mut *publish)
        }));
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
