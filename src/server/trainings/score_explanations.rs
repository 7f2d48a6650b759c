//! A training's result with every prediction explained in the model's class scores (the
//! booster's margins, logistic regression's log-odds) instead of its probabilities:
//! `GET /api/v1/trainings/{id}/result?space=margin`. Computed from the saved model and the
//! input values stored with each prediction, as the caller's heavy read, and kept by the
//! training's parsed id (a result never changes once complete); the stored result keeps the
//! probability-space explanations that every page shows.

use crate::api::{ApiError, Prediction, TrainingResult};
use crate::domain::{ClassLabel, ErrorCode};
use crate::ml::explain::explain_scores;
use crate::ml::models::TrainedModel;
use crate::ml::progress::{ProgressSink, ProgressSlice};
use crate::server::owner::Caller;
use crate::server::reports::prediction_rows;
use crate::server::request_budget::RequestBudget;
use crate::server::state::AppState;

pub fn result_in_scores(
    state: &AppState,
    caller: &Caller,
    id: &str,
    budget: &RequestBudget,
) -> Result<std::sync::Arc<TrainingResult>, ApiError> {
    // The access check comes first, every time: a kept answer reaches only who may read it.
    let result = super::reading::result(state, caller, id)?;
    if result.predictions.is_empty() {
        // Shared without its rows: nothing to explain.
        return Ok(result);
    }
    let key = uuid::Uuid::parse_str(id.trim()).map_err(|_| ApiError::not_found("training", id))?;
    if let Some(kept) = state.score_results.get(&key) {
        return Ok(kept);
    }
    let _turn = state.heavy.enter(caller.principal(), budget)?;
    state.score_results.get_or_compute(key, || compute(state, caller, id, &result, budget))
}

fn compute(
    state: &AppState,
    caller: &Caller,
    id: &str,
    result: &TrainingResult,
    budget: &RequestBudget,
) -> Result<TrainingResult, ApiError> {
    let (_, json) = super::managing::model_file(state, caller, id)?;
    let info = &result.report.model_info;
    let model: TrainedModel = serde_json::from_str(&json).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidValue,
            format!("A fine-tuned model's class scores are explained through the predictions API: POST /api/v1/predictions with \"model\":\"{id}\" and \"space\":\"margin\"."),
        )
        .with_field("space")
    })?;
    let unavailable = || {
        ApiError::new(
            ErrorCode::InvalidValue,
            format!("This model ({}) outputs probabilities, so its explanations are in probability only: leave out space or ask space=probability.", info.model_name),
        )
        .with_field("space")
    };
    let features = &info.features;
    let mut x = ndarray::Array2::from_elem((result.predictions.len(), features.len()), f64::NAN);
    for (row, p) in result.predictions.iter().enumerate() {
        let values = &p.explanation.as_ref().ok_or_else(unavailable)?.feature_values;
        for (j, f) in features.iter().enumerate() {
            if let Some(Some(v)) = values.get(f) {
                x[[row, j]] = *v;
            }
        }
    }
    let explained =
        explain_scores(&model, &x, &ProgressSlice { sink: budget, start: 0.0, end: 1.0 }).ok_or_else(unavailable)?;
    if budget.is_cancelled() {
        return Err(budget.exceeded(result.predictions.len()));
    }
    let ids: Vec<String> = result.predictions.iter().map(|p| p.id.clone()).collect();
    let actual: Vec<Option<ClassLabel>> = result.predictions.iter().map(|p| p.actual).collect();
    let probabilities: Vec<[f64; ClassLabel::COUNT]> =
        result.predictions.iter().map(Prediction::probability_array).collect();
    let predictions = prediction_rows(&ids, &actual, &probabilities, &x, features, Some(&explained));
    Ok(TrainingResult { report: result.report.clone(), predictions })
}
