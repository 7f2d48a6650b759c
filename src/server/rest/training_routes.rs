//! Training routes: starting one (JSON, or a multipart form with the user's table), reading
//! its progress, result, importance and predictions, cancelling, sharing, deleting it,
//! downloading its model, and inspecting an uploaded table for the mapping form.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};

use super::bodies::{attachment, form_error, is_multipart, json_body, read_parts};
use crate::api::{ApiError, ShareRequest, TrainRequest};
use crate::domain::ErrorCode;
use crate::server::blocking;
use crate::server::owner::Caller;
use crate::server::request_budget::RequestBudget;
use crate::server::state::AppState;
use crate::server::trainings::{self, SentFiles};
use crate::server::uploads;

/// JSON for the bundled tables; multipart/form-data (`config`, `train_file`, `test_file`)
/// to train on the user's own table.
pub(super) async fn create_training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let multipart = is_multipart(&request);
    let started = if multipart {
        let parts = read_parts(&state, request).await?;
        let mut config: TrainRequest = match parts.config {
            Some(text) => serde_json::from_str(&text).map_err(|e| {
                ApiError::new(
                    ErrorCode::InvalidRequest,
                    format!("The 'config' part is not a valid training request: {e}"),
                )
            })?,
            None => {
                return Err(ApiError::new(
                    ErrorCode::InvalidRequest,
                    "The form has no 'config' part (the training request as JSON).",
                ))
            }
        };
        let train = parts.train.ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, "The form has no 'train_file' part.").with_field("train_file")
        })?;
        config.dataset = "upload".into();
        let files = SentFiles { train, test: parts.test };
        blocking::run(state, move |s| trainings::start_with_files(s, &caller, config, files)).await?
    } else {
        let request: serde_json::Value = json_body(&state, request, "training request").await?;
        if request.get("upload").is_some() {
            // Stored tables are named only by the server, from the files of a multipart request.
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "'upload' is set by the server; send files as multipart/form-data.",
            )
            .with_field("upload"));
        }
        let request: TrainRequest = serde_json::from_value(request).map_err(|e| {
            ApiError::new(ErrorCode::InvalidRequest, format!("The request body is not a valid training request: {e}"))
        })?;
        blocking::run(state, move |s| trainings::start_training(s, &caller, request, None)).await?
    };
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// `multipart/form-data` with one `file` part → what the table holds (for the mapping form).
/// A large body counts against the caller's budget of bytes sent per day.
pub(super) async fn inspect_upload(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: axum::http::HeaderMap,
    mut form: axum::extract::Multipart,
) -> Result<impl IntoResponse, ApiError> {
    super::bodies::charge_large_body(&state, &caller, &headers).await?;
    let field = form
        .next_field()
        .await
        .map_err(|e| form_error(&state, e))?
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidRequest, "The form has no 'file' part."))?;
    let name = uploads::display_name(field.file_name().unwrap_or("uploaded.csv"));
    let bytes = field.bytes().await.map_err(|e| form_error(&state, e))?;
    let inspection = tokio::task::spawn_blocking(move || uploads::inspect(&name, bytes.to_vec()))
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal, "The upload could not be inspected."))??;
    Ok(Json(inspection))
}

pub(super) async fn training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::progress(s, &caller, &id)).await?))
}

/// `?space=`: what the explanations add up to, the probabilities (the default) or the
/// model's class scores (`margin`, `log-odds`); anything else is a 400 naming the choices.
fn space_query(query: Option<&str>) -> Result<crate::domain::ExplanationSpace, ApiError> {
    use crate::domain::ExplanationSpace;
    let value = query.unwrap_or("").split('&').find_map(|pair| pair.strip_prefix("space="));
    match value {
        None | Some("probability") => Ok(ExplanationSpace::Probability),
        Some("margin") => Ok(ExplanationSpace::Margin),
        Some("log-odds") => Ok(ExplanationSpace::LogOdds),
        Some(other) => Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!(
                "space '{}' is not known: use probability (the default), margin or log-odds.",
                crate::api::error::shorten(other)
            ),
        )
        .with_field("space")),
    }
}

pub(super) async fn training_result(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<impl IntoResponse, ApiError> {
    let space = space_query(query.as_deref())?;
    // Held by this future: explaining in class scores stops when the client goes away.
    let (budget, _client) = RequestBudget::new(state.config.prediction_budget_s);
    // Serialised on the blocking pool too: a result is megabytes of JSON.
    let body = blocking::run(state, move |s| {
        let write = |r: &crate::api::TrainingResult| {
            serde_json::to_vec(r).map_err(|_| ApiError::new(ErrorCode::Internal, "The result could not be written."))
        };
        match space {
            crate::domain::ExplanationSpace::Probability => write(&*trainings::result(s, &caller, &id)?),
            _ => write(&*trainings::result_in_scores(s, &caller, &id, &budget)?),
        }
    })
    .await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body))
}

/// The held-out predictions as a CSV table (cells a spreadsheet would run are neutralised).
pub(super) async fn predictions_csv(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let (name, body) = blocking::run(state, move |s| {
        let result = trainings::result(s, &caller, &id)?;
        let short: String = result.report.id.chars().take(8).collect();
        Ok((format!("predictions-{short}.csv"), crate::api::predictions_csv::predictions_csv(&result.predictions)))
    })
    .await?;
    Ok(attachment("text/csv; charset=utf-8", &name, body))
}

pub(super) async fn training_importance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::importance(s, &caller, &id)).await?))
}

pub(super) async fn cancel_training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::cancel(s, &caller, &id)).await?))
}

/// `{"shared": bool, "include_rows": bool}` → who may read it now.
pub(super) async fn share_training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: ShareRequest = json_body(&state, request, "share request").await?;
    Ok(Json(blocking::run(state, move |s| trainings::share(s, &caller, &id, body)).await?))
}

pub(super) async fn list_trainings(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::list_trainings(s, &caller)).await?))
}

pub(super) async fn delete_training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    blocking::run(state, move |s| trainings::delete_training(s, &caller, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn model_file(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let (name, json) = blocking::run(state, move |s| trainings::model_file(s, &caller, &id)).await?;
    Ok(attachment("application/json", &name, json))
}

/// The operator's purge of inactive anonymous work (`{"inactive_days": N}`).
pub(super) async fn purge(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: trainings::PurgeRequest = json_body(&state, request, "purge request").await?;
    Ok(Json(blocking::run(state, move |s| trainings::purge(s, &caller, &body)).await?))
}
