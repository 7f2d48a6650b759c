//! Server functions called by the pages. Each is a thin wrapper: fetch the shared state,
//! call the same function the JSON routes call (`crate::server::trainings`), return.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::error::ApiError;
use super::types::*;

#[cfg(feature = "ssr")]
fn state() -> Result<crate::server::AppState, ApiError> {
    use_context::<crate::server::AppState>().ok_or_else(|| ApiError::new("internal", "Server state is missing."))
}

/// Runs an operation off the async threads (it may wait for the database).
#[cfg(feature = "ssr")]
async fn off_runtime<T: Send + 'static>(operation: impl FnOnce(&crate::server::AppState) -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    crate::server::blocking::run(state()?, operation).await
}

#[server(endpoint = "list_datasets")]
pub async fn get_datasets() -> Result<Vec<DatasetInfo>, ApiError> {
    Ok(crate::server::trainings::list_datasets(&state()?))
}

#[server(endpoint = "list_models")]
pub async fn get_models() -> Result<Vec<ModelInfo>, ApiError> {
    Ok(crate::server::trainings::list_models())
}

#[server(endpoint = "start_training", input = Json)]
pub async fn start_training(request: TrainRequest) -> Result<StartedTraining, ApiError> {
    off_runtime(move |s| crate::server::trainings::start_training(s, request)).await
}

#[server(endpoint = "training_progress")]
pub async fn get_training_progress(id: String) -> Result<TrainingProgress, ApiError> {
    off_runtime(move |s| crate::server::trainings::progress(s, &id)).await
}

#[server(endpoint = "cancel_training")]
pub async fn cancel_training(id: String) -> Result<TrainingProgress, ApiError> {
    off_runtime(move |s| crate::server::trainings::cancel(s, &id)).await
}

#[server(endpoint = "training_summary")]
pub async fn get_training_summary(id: String) -> Result<ResultSummary, ApiError> {
    off_runtime(move |s| crate::server::trainings::summary(s, &id)).await
}

#[server(endpoint = "training_predictions", input = Json)]
pub async fn get_training_predictions(id: String, query: PredictionQuery) -> Result<PredictionPage, ApiError> {
    off_runtime(move |s| crate::server::trainings::predictions(s, &id, &query)).await
}

#[server(endpoint = "list_trainings")]
pub async fn list_trainings() -> Result<Vec<TrainingSummaryItem>, ApiError> {
    off_runtime(move |s| crate::server::trainings::list_trainings(s)).await
}

#[server(endpoint = "delete_training")]
pub async fn delete_training(id: String) -> Result<(), ApiError> {
    off_runtime(move |s| crate::server::trainings::delete_training(s, &id)).await
}

#[server(endpoint = "model_card")]
pub async fn get_model_card() -> Result<ModelCard, ApiError> {
    crate::server::predictions::model_card(state()?.pretrained.as_deref())
}

/// One object typed into the what-if form (or any few rows) → predictions with reasons.
#[server(endpoint = "predict_rows", input = Json)]
pub async fn predict_rows(request: PredictRequest) -> Result<PredictionResponse, ApiError> {
    let (budget, _client) = crate::server::request_budget::RequestBudget::new(state()?.config.prediction_budget_s);
    off_runtime(move |s| crate::server::predictions::predict_rows_with(s, &request, &budget)).await
}

/// The bundled objects of a mission that the pretrained model never learned from, predicted.
#[server(endpoint = "predict_held_out")]
pub async fn predict_held_out(mission: String) -> Result<PredictionResponse, ApiError> {
    let state = state()?;
    let model = state.pretrained.clone();
    let data_dir = state.config.data_dir.clone();
    tokio::task::spawn_blocking(move || crate::server::predictions::predict_held_out(model.as_deref(), &data_dir, &mission))
        .await
        .map_err(|_| ApiError::new("internal", "The prediction could not be made."))?
}
