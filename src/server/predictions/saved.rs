//! Predictions with a saved model: a completed training's model (a fine-tuned one read like
//! the pretrained model), its features read by name, explained against a background of the
//! rows being predicted.

use super::pretrained::harmonised_objects;
use super::response::{respond, response};
use crate::api::{ApiError, PredictRequest, PredictionResponse};
use crate::domain::ErrorCode;
use crate::ml::csv_table::CsvTable;
use crate::ml::predict::objects_from_table;
use crate::ml::pretrained::PretrainedModel;
use crate::ml::progress::ProgressSink;
use crate::server::owner::{Access, Caller};
use crate::server::request_budget::RequestBudget;
use crate::server::state::AppState;
use crate::server::store::TrainingSession;

/// Background rows for the sampled explainers (SVM, MLP) of a saved model, whose training
/// rows are not kept: the first objects being predicted.
const SAVED_BACKGROUND_ROWS: usize = 64;

/// The completed training `model_id` names, if the caller may use its model: someone else's
/// model is unknown unless it was shared with its rows (see `model_file`).
pub fn saved_model_session(
    state: &AppState,
    caller: &Caller,
    model_id: &str,
) -> Result<(uuid::Uuid, TrainingSession), ApiError> {
    let unknown = || {
        ApiError::new(
            ErrorCode::UnknownModel,
            format!(
                "Unknown model '{}': use \"pretrained\" or the id of a completed training (see GET /api/v1/trainings).",
                crate::api::error::shorten(model_id)
            ),
        )
        .with_field("model")
    };
    let id = uuid::Uuid::parse_str(model_id.trim()).map_err(|_| unknown())?;
    let session = state.store.get(&id)?.ok_or_else(unknown)?;
    if !Access::of(caller, session.owner, session.share.as_ref()).reaches_rows() {
        return Err(unknown());
    }
    if session.result.is_none() {
        return Err(not_finished(id, &session));
    }
    Ok((id, session))
}

fn not_finished(id: uuid::Uuid, session: &TrainingSession) -> ApiError {
    ApiError::new(
        ErrorCode::NotFinished,
        format!("Training {id} is {}; only completed trainings keep a model.", session.status.as_str()),
    )
    .with_field("model")
}

/// Predictions with a saved model: `model_id` is a completed training's id. Its features are
/// read from the columns of the same names (an archive export of its mission works as
/// downloaded); bundled objects outside its held-out part are left out of the metrics.
pub fn predict_saved(
    state: &AppState,
    caller: &Caller,
    request: &PredictRequest,
    table: &CsvTable,
    budget: &RequestBudget,
) -> Result<PredictionResponse, ApiError> {
    let (model_id, mission_hint_id, columns) =
        (request.model.as_str(), request.mission.as_deref(), request.columns.as_ref());
    use crate::ml::explain::{explain, explain_scores};
    use crate::ml::models::{SavedModel, TrainedModel};
    use crate::ml::predict::{objects_by_feature_names, PredictedObjects};
    use crate::ml::progress::ProgressSlice;

    let (id, session) = saved_model_session(state, caller, model_id)?;
    let result = session.result.clone().expect("checked by saved_model_session");
    let Some(json) = state.store.model(&id)? else {
        return Err(not_finished(id, &session));
    };
    if session.request.fine_tune.is_some() {
        // Saved in the shipped model's format: read and explained exactly like it.
        let model: PretrainedModel = serde_json::from_str(&json)
            .map_err(|e| ApiError::internal(format!("the saved model {id} is unreadable: {e}")))?;
        let objects = harmonised_objects(table, mission_hint_id, columns)?;
        let mut response = respond(&model, model_id, objects, budget, request.wants_scores())?;
        response.notes.insert(
            0,
            format!(
                "Model: the pretrained model fine-tuned on {} (training {id}).",
                result.report.model_info.dataset_name
            ),
        );
        apply_threshold(&mut response, session.threshold);
        return Ok(response);
    }
    if columns.is_some() {
        return Err(ApiError::new(ErrorCode::InvalidRequest, "A column choice applies to the pretrained model and fine-tuned ones; this model reads the columns it was trained on, by name.").with_field("columns"));
    }
    let saved: SavedModel = serde_json::from_str(&json)
        .map_err(|e| ApiError::internal(format!("the saved model {id} is unreadable: {e}")))?;
    let model = &saved.model;
    let mission = result.report.model_info.dataset.mission();
    let transfer = session.request.transfer_to.is_some();
    let objects = if transfer {
        objects_from_table(table, None)
    } else {
        objects_by_feature_names(table, &result.report.model_info.features, mission)
    }
    .map_err(ApiError::from)?;
    let probabilities = saved.predict_proba(&objects.x);
    let background = objects.x.slice(ndarray::s![..objects.x.nrows().min(SAVED_BACKGROUND_ROWS), ..]).to_owned();
    let slice = ProgressSlice { sink: budget, start: 0.0, end: 1.0 };
    let explanations = if request.wants_scores() {
        explain_scores(model, &objects.x, &slice).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidValue,
                format!("This model ({}) outputs probabilities, so its explanations are in probability only: leave out \"space\" or send \"probability\".", result.report.model_info.model_name),
            )
            .with_field("space")
        })?
    } else {
        explain(model, &objects.x, &background, session.request.seed, &slice)
    };
    if budget.is_cancelled() {
        return Err(budget.exceeded(objects.x.nrows()));
    }
    // Bundled objects of its training table that were not in its held-out part were trained on.
    let held_out: std::collections::HashSet<&str> = result.predictions.iter().map(|p| p.id.as_str()).collect();
    let bundled: std::collections::HashSet<String> = match mission {
        Some(m) if session.upload.is_none() => crate::ml::bundled_tables::mission_dataset(m, &state.config.data_dir)
            .map(|d| d.ids.iter().cloned().collect())
            .unwrap_or_default(),
        _ => Default::default(),
    };
    let seen: Vec<bool> =
        objects.ids.iter().map(|i| bundled.contains(i) && (transfer || !held_out.contains(i.as_str()))).collect();
    let mut notes = vec![format!(
        "Model: {} trained on {} (training {id}).",
        result.report.model_info.model_name, result.report.model_info.dataset_name
    )];
    let missing: Vec<&str> = result
        .report
        .model_info
        .features
        .iter()
        .filter(|f| !transfer && !table.has_column(f))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "{} of the model's {} inputs are not in the table and count as missing: {}.",
            missing.len(),
            result.report.model_info.features.len(),
            missing.join(", ")
        ));
    }
    if let Some(c) = &saved.calibrator {
        notes.push(format!(
            "Probabilities are calibrated ({}) as in its training; the explanations explain the model's probabilities before calibration.",
            c.method().title().to_lowercase()
        ));
    }
    // The SVM and the MLP are explained by sampling against a background.
    if matches!(model, TrainedModel::Svm(_) | TrainedModel::NeuralNetwork(_)) {
        notes.push(format!("Explanations are sampled with the first {} objects of this table as background (the training rows are not kept with a saved model).", background.nrows()));
    }
    let features =
        if transfer { crate::ml::harmonised::feature_names() } else { result.report.model_info.features.clone() };
    let predicted = PredictedObjects { model_input: objects.x.clone(), objects, probabilities, features, explanations };
    let mut answer = response(model_id, &predicted, &seen, notes);
    apply_threshold(&mut answer, session.threshold);
    Ok(answer)
}

/// The "planet or not" threshold saved with the model, applied to every row (`planet`).
fn apply_threshold(answer: &mut PredictionResponse, threshold: Option<crate::domain::DecisionThreshold>) {
    let Some(threshold) = threshold else { return };
    for row in &mut answer.predictions {
        row.planet = Some(threshold.calls_planet(&row.probability_array()));
    }
    answer.notes.push(format!(
        "planet: whether {} is at least {:.3}, the threshold saved with this model.",
        threshold.question.title(),
        threshold.threshold
    ));
    answer.threshold = Some(threshold);
}
