//! Recording a finished training: its model, then its final state, retried while the
//! database is away.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::api::{Headline, TrainingResult, TrainingStatus};
use crate::ml::pipeline;
use crate::ml::MlError;
use crate::server::reports::training_result;
use crate::server::store::{now_ms, SessionStore, StoreResult, TrainingSession};

/// Moves the session to its final state: completed with its result, cancelled, or failed.
/// Returns the final status. An outcome whose session was meanwhile taken back (its
/// heartbeat went stale and another worker claimed it, or it was recovered as failed) is
/// dropped: a status never moves from failed back to completed.
pub(super) fn record_outcome(
    store: &Arc<dyn SessionStore>,
    id: Uuid,
    attempt: u32,
    session: &TrainingSession,
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
            None => serde_json::to_string(&crate::ml::models::SavedModelRef {
                model: &outcome.model,
                calibrator: outcome.calibrated.as_ref().map(|c| &c.calibrator),
            }),
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
    let finished =
        finished.map(|outcome| training_result(&id.to_string(), &session.request, session.upload.as_ref(), &outcome));
    let recorded = with_retries("record the outcome", || {
        store.finish(&id, &mut |s| {
            s.finished_at = Some(now_ms());
            match &finished {
                Ok(result) => {
                    s.status = TrainingStatus::Completed;
                    s.progress = 100.0;
                    s.step = "Done".into();
                    s.headline = Some(headline(result));
                    s.result = Some(Arc::new(result.clone()));
                }
                Err(MlError::Cancelled) => {
                    s.status = TrainingStatus::Cancelled;
                    s.step = "Cancelled".into();
                    s.headline = None; // scores published early are not a result
                }
                Err(error) => {
                    s.status = TrainingStatus::Failed;
                    s.headline = None;
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

/// Publishes a running training's scores and predictions before its explanations: the
/// result without them (`explaining`), and its headline, which tells the pages that there
/// is a result to show. Skipped when the session was meanwhile taken back; a failed write
/// only delays the page until the training completes.
pub(super) fn publish_scores(
    store: &Arc<dyn SessionStore>,
    id: Uuid,
    attempt: u32,
    session: &TrainingSession,
    outcome: &pipeline::TrainingOutcome,
) {
    let result = Arc::new(training_result(&id.to_string(), &session.request, session.upload.as_ref(), outcome));
    let published = store.finish(&id, &mut |s| {
        if s.status == TrainingStatus::Running && s.attempts == attempt {
            s.headline = Some(headline(&result));
            s.result = Some(result.clone());
        }
    });
    if let Err(error) = published {
        tracing::warn!(%id, %error, "scores not published early; the page shows them at the end");
    }
}

/// The key figures of a result, for lists.
fn headline(result: &TrainingResult) -> Headline {
    let m = result.report.metrics.as_ref();
    Headline { accuracy: m.map(|m| m.accuracy), macro_f1: m.map(|m| m.macro_f1), roc_auc: m.and_then(|m| m.roc_auc) }
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
