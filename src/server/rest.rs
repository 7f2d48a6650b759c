//! JSON routes under `/api/v1` for scripts and other clients. Each handler calls the same
//! function in [`super::trainings`] as the matching server function.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::state::AppState;
use super::trainings;
use crate::api::{ApiError, Health, TrainRequest};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/datasets", get(datasets))
        .route("/api/v1/models", get(models))
        .route("/api/v1/trainings", post(create_training).get(list_trainings))
        .route("/api/v1/trainings/{id}", get(training).delete(delete_training))
        .route("/api/v1/trainings/{id}/model", get(model_file))
        .route("/api/v1/trainings/{id}/result", get(training_result))
        .route("/api/v1/trainings/{id}/importance", get(training_importance))
        .route("/api/v1/trainings/{id}/cancel", post(cancel_training))
        .route("/api/v1/{*rest}", axum::routing::any(unknown_route))
        // One log line per API call: method, path, status, latency.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

async fn health() -> Json<Health> {
    Json(Health { status: "ok".into() })
}

async fn datasets(State(state): State<AppState>) -> impl IntoResponse {
    Json(trainings::list_datasets(&state))
}

async fn models() -> impl IntoResponse {
    Json(trainings::list_models())
}

async fn create_training(
    State(state): State<AppState>,
    body: Result<Json<TrainRequest>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Json(request) = body.map_err(|rejection| {
        ApiError::new("invalid_request", format!("The request body is not a valid training request: {}", rejection.body_text()))
    })?;
    let started = trainings::start_training(&state, request)?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

async fn training(State(state): State<AppState>, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(trainings::progress(&state, &id)?))
}

async fn training_result(State(state): State<AppState>, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    let result = trainings::result(&state, &id)?;
    Ok(Json((*result).clone()))
}

async fn training_importance(State(state): State<AppState>, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(trainings::importance(&state, &id)?))
}

async fn cancel_training(State(state): State<AppState>, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(trainings::cancel(&state, &id)?))
}

async fn list_trainings(State(state): State<AppState>) -> impl IntoResponse {
    Json(trainings::list_trainings(&state))
}

async fn delete_training(State(state): State<AppState>, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    trainings::delete_training(&state, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn model_file(State(state): State<AppState>, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    let (name, json) = trainings::model_file(&state, &id)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        json,
    ))
}

async fn unknown_route() -> ApiError {
    ApiError::new("not_found", "No such API route. See the README for the routes under /api/v1.")
}
