//! The table of JSON routes under `/api/v1`, and the small handlers that only read the
//! server's state (health, readiness, the catalogue) or answer an unknown route.

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::account_routes::{
    account, create_token, register, revoke_token, sign_in, sign_out, sign_out_everywhere, tokens,
};
use super::candidate_routes::{candidates, feature_sets, temporal};
use super::prediction_routes::{create_predictions, model_card};
use super::training_routes::{
    cancel_training, create_training, delete_training, inspect_upload, list_trainings, model_file, predictions_csv,
    share_training, training, training_importance, training_result,
};
use super::{decision_routes, sky_routes};
use crate::api::{ApiError, Health};
use crate::domain::ErrorCode;
use crate::server::state::AppState;
use crate::server::trainings;

/// `max_upload_bytes`: the largest request body accepted (uploads); beyond it, 413.
pub fn router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/ready", get(ready))
        .route("/api/v1/datasets", get(datasets))
        .route("/api/v1/models", get(models))
        .route("/api/v1/trainings", post(create_training).get(list_trainings))
        .route("/api/v1/uploads/inspect", post(inspect_upload))
        .route("/api/v1/predictions", post(create_predictions))
        .route("/api/v1/model-card", get(model_card))
        .route("/api/v1/candidates", get(candidates))
        .route("/api/v1/candidates/temporal", get(temporal))
        .route("/api/v1/feature-sets", get(feature_sets))
        .route("/api/v1/sky", get(sky_routes::points))
        .route("/api/v1/sky/object", get(sky_routes::object))
        .route("/api/v1/trainings/{id}", get(training).delete(delete_training))
        .route("/api/v1/trainings/{id}/model", get(model_file))
        .route("/api/v1/trainings/{id}/result", get(training_result))
        .route("/api/v1/trainings/{id}/importance", get(training_importance))
        .route("/api/v1/trainings/{id}/predictions.csv", get(predictions_csv))
        .route("/api/v1/trainings/{id}/cancel", post(cancel_training))
        .route("/api/v1/trainings/{id}/share", post(share_training))
        .route("/api/v1/trainings/{id}/decision", get(decision_routes::decision))
        .route(
            "/api/v1/trainings/{id}/threshold",
            post(decision_routes::save_threshold).delete(decision_routes::clear_threshold),
        )
        .route("/api/v1/admin/purge", post(super::training_routes::purge))
        .route("/api/v1/account", get(account))
        .route("/api/v1/account/register", post(register))
        .route("/api/v1/account/sign-in", post(sign_in))
        .route("/api/v1/account/sign-out", post(sign_out))
        .route("/api/v1/account/sign-out-everywhere", post(sign_out_everywhere))
        .route("/api/v1/account/tokens", get(tokens).post(create_token))
        .route("/api/v1/account/tokens/{id}", axum::routing::delete(revoke_token))
        .route("/api/v1/{*rest}", axum::routing::any(unknown_route))
        // Uploads may be large; the limit is a setting (413 beyond it, with the limit named).
        .layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes))
}

async fn health() -> Json<Health> {
    Json(Health { status: "ok".into() })
}

/// 200 `{"status":"ready"}` when the database answers and the training workers run, else
/// 503 `not_ready` with `Retry-After`.
async fn ready(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    crate::server::health::readiness(&state).await?;
    Ok(Json(Health { status: "ready".into() }))
}

async fn datasets(State(state): State<AppState>) -> impl IntoResponse {
    Json(trainings::list_datasets(&state))
}

async fn models() -> impl IntoResponse {
    Json(trainings::list_models())
}

async fn unknown_route() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "No such API route. See the README for the routes under /api/v1.")
}
