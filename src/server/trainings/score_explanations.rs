//! A training's result with every prediction explained in the model's class scores (the
//! booster's margins, logistic regression's log-odds) instead of its probabilities:
//! `GET /api/v1/trainings/{id}/result?space=margin`. Computed on request from the saved
//! model and the input values stored with each prediction; the stored result keeps the
//! probability-space explanations that every page shows.

use crate::api::{ApiError, Prediction, TrainingResult};
use crate::domain::{ClassLabel, ErrorCode};
use crate::ml::explain::explain_scores;
use crate::ml::models::TrainedModel;
use crate::ml::progress::{ProgressSlice, SilentProgress};
use crate::server::owner::Caller;
use crate::server::reports::prediction_rows;
use crate::server::state::AppState;

pub fn result_in_scores(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingResult, ApiError> {
    let result = super::reading::result(state, caller, id)?;
    if result.predictions.is_empty() {
        // Shared without its rows: nothing to explain.
        return Ok((*result).clone());
    }
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
    let explained = explain_scores(&model, &x, &ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 })
        .ok_or_else(unavailable)?;
    let ids: Vec<String> = result.predictions.iter().map(|p| p.id.clone()).collect();
    let actual: Vec<Option<ClassLabel>> = result.predictions.iter().map(|p| p.actual).collect();
    let probabilities: Vec<[f64; ClassLabel::COUNT]> =
        result.predictions.iter().map(Prediction::probability_array).collect();
    let predictions = prediction_rows(&ids, &actual, &probabilities, &x, features, Some(&explained));
    Ok(TrainingResult { report: result.report.clone(), predictions })
}
