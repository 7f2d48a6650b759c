//! "Planet or not" for a completed training: the held-out probabilities the result page's
//! threshold explorer works from, the 2×2 at a threshold (the explorer's numbers, checked
//! on the server), and the threshold its owner saves with the model for later predictions.

use super::access::managed;
use crate::api::*;
use crate::domain::{DecisionThreshold, PlanetQuestion};
use crate::server::owner::Caller;
use crate::server::state::AppState;

/// Every labelled held-out object's probabilities and class, and the saved threshold.
pub fn decision_scores(state: &AppState, caller: &Caller, id: &str) -> Result<DecisionScores, ApiError> {
    let (result, access, saved) = super::reading::early_result(state, caller, id)?;
    let objects = result
        .predictions
        .iter()
        .filter_map(|p| Some(ScoredObject { probabilities: p.probability_array(), actual: p.actual? }))
        .collect();
    Ok(DecisionScores { objects, saved, can_save: access.can_manage })
}

/// The held-out objects called planets at `threshold` against the truth.
pub fn decision_at(
    state: &AppState,
    caller: &Caller,
    id: &str,
    question: PlanetQuestion,
    threshold: f64,
) -> Result<DecisionReport, ApiError> {
    check_threshold(threshold)?;
    let scores = decision_scores(state, caller, id)?;
    if scores.objects.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "This training's held-out objects have no labels (or their rows were not shared): there is nothing to count.",
        ));
    }
    Ok(DecisionReport::new(question, threshold, &scores.objects))
}

/// Saves (`Some`) or clears the threshold a completed training's predictions apply.
pub fn save_threshold(
    state: &AppState,
    caller: &Caller,
    id: &str,
    threshold: Option<DecisionThreshold>,
) -> Result<Option<DecisionThreshold>, ApiError> {
    let s = managed(state, caller, id)?;
    if s.status != TrainingStatus::Completed {
        return Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training is {}; a threshold is saved with a completed training's model.", s.status.as_str()),
        ));
    }
    if let Some(t) = &threshold {
        check_threshold(t.threshold)?;
    }
    state.store.set_threshold(&s.id, threshold)?;
    tracing::info!(id = %s.id, saved = threshold.is_some(), "decision threshold changed");
    Ok(threshold)
}

fn check_threshold(threshold: f64) -> Result<(), ApiError> {
    if (0.0..=1.0).contains(&threshold) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::InvalidValue,
        format!("threshold must be a probability between 0 and 1, got {threshold}."),
    )
    .with_field("threshold"))
}
