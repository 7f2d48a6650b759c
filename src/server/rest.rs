//! JSON routes under `/api/v1` for scripts and other clients. Each handler calls the same
//! function in [`super::trainings`] as the matching server function.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Extension;
use axum::{Json, Router};
use tower_sessions::Session;

use super::blocking;
use super::json_body::read_json;
use super::request_budget::RequestBudget;
use super::state::AppState;
use super::trainings;
use axum::extract::FromRequest;

use super::identity::VisitorReset;
use super::owner::Caller;
use super::predictions;
use super::uploads;
use crate::api::{
    ApiError, Credentials, Health, NewTokenRequest, PredictRequest, ShareRequest, TrainRequest, UploadedFiles,
};
use crate::domain::ErrorCode;

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
        .route("/api/v1/trainings/{id}", get(training).delete(delete_training))
        .route("/api/v1/trainings/{id}/model", get(model_file))
        .route("/api/v1/trainings/{id}/result", get(training_result))
        .route("/api/v1/trainings/{id}/importance", get(training_importance))
        .route("/api/v1/trainings/{id}/predictions.csv", get(predictions_csv))
        .route("/api/v1/trainings/{id}/cancel", post(cancel_training))
        .route("/api/v1/trainings/{id}/share", post(share_training))
        .route("/api/v1/account", get(account))
        .route("/api/v1/account/register", post(register))
        .route("/api/v1/account/sign-in", post(sign_in))
        .route("/api/v1/account/sign-out", post(sign_out))
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
    super::health::readiness(&state).await?;
    Ok(Json(Health { status: "ready".into() }))
}

async fn datasets(State(state): State<AppState>) -> impl IntoResponse {
    Json(trainings::list_datasets(&state))
}

async fn models() -> impl IntoResponse {
    Json(trainings::list_models())
}

/// The pretrained model's card: data, features, held-out scores per mission.
async fn model_card(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(super::predictions::model_card(state.pretrained.as_deref())?))
}

/// JSON for the bundled tables; multipart/form-data (`config`, `train_file`, `test_file`)
/// to train on the user's own table.
async fn create_training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let multipart = is_multipart(&request);
    let request = if multipart {
        let form = axum::extract::Multipart::from_request(request, &state)
            .await
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.body_text()))?;
        let parts = read_parts(&state, form).await?;
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
        let (train_name, train_bytes) = parts.train.ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, "The form has no 'train_file' part.").with_field("train_file")
        })?;
        let owner = caller.clone();
        let files = blocking::run(state.clone(), move |work| {
            // Quotas first: nothing is stored (or parsed) for an owner past theirs.
            super::quotas::check_training(work, &owner)?;
            let bytes = train_bytes.len() + parts.test.as_ref().map_or(0, |(_, b)| b.len());
            super::quotas::check_upload(work, &owner, bytes as u64)?;
            let train_id = uploads::store(work.store.as_ref(), owner.owner(), &train_name, train_bytes)?;
            let (test_name, test_id) = match parts.test {
                Some((name, bytes)) => {
                    let id = uploads::store(work.store.as_ref(), owner.owner(), &name, bytes)
                        .inspect_err(|_| remove_uploads(work, [&train_id]))?;
                    (Some(name), Some(id))
                }
                None => (None, None),
            };
            Ok(UploadedFiles { train_name, train_id, test_name, test_id })
        })
        .await?;
        config.dataset = "upload".into();
        config.upload = Some(files);
        config
    } else {
        let request: TrainRequest = json_body(&state, request, "training request").await?;
        if request.upload.is_some() {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "'upload' is set by the server; send files as multipart/form-data.",
            )
            .with_field("upload"));
        }
        request
    };
    let started = blocking::run(state, move |s| {
        let stored = request.upload.clone();
        let started = trainings::start_training(s, &caller, request);
        if let (Err(_), Some(files)) = (&started, stored) {
            // A refused upload keeps nothing.
            remove_uploads(s, std::iter::once(&files.train_id).chain(files.test_id.as_ref()));
        }
        started
    })
    .await?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// A JSON body within this server's limits (`EXO_MAX_JSON_KB`; 415 / 413 as `read_json` says).
async fn json_body<T: serde::de::DeserializeOwned>(
    state: &AppState,
    request: axum::extract::Request,
    what: &str,
) -> Result<T, ApiError> {
    read_json(request, state.config.max_json_kb, state.config.max_upload_mb * 1024 * 1024, what).await
}

/// A file to download: its type, its name, its bytes.
fn attachment(content_type: &str, name: &str, body: impl IntoResponse) -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
}

/// Removes stored uploads by id (a refused request's); ids that are not ours are ignored.
fn remove_uploads<'a>(state: &AppState, ids: impl IntoIterator<Item = &'a String>) {
    for id in ids {
        if let Ok(id) = uuid::Uuid::parse_str(id) {
            state.store.remove_upload(&id);
        }
    }
}

/// The parts of an upload form; file parts keep the user's file name (for display only).
struct Parts {
    config: Option<String>,
    train: Option<(String, Vec<u8>)>,
    test: Option<(String, Vec<u8>)>,
}

/// True for a `multipart/form-data` body (files), false for JSON.
fn is_multipart(request: &axum::extract::Request) -> bool {
    request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// A multipart read error: over the body limit it is a 413 naming the limit.
fn form_error(state: &AppState, e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        let limit_mb = state.config.max_upload_mb;
        ApiError::new(
            ErrorCode::TooLarge,
            format!("The upload is larger than the limit of {limit_mb} MB (EXO_MAX_UPLOAD_MB)."),
        )
    } else {
        ApiError::new(ErrorCode::InvalidRequest, format!("The form could not be read: {}", e.body_text()))
    }
}

/// Largest `config` part of a form.
const CONFIG_PART_MAX_KB: usize = 256;

/// A form's `config` part: a small JSON request (a mapping that names one column two
/// million times is refused here, before it is parsed).
fn config_text(bytes: &[u8]) -> Result<String, ApiError> {
    if bytes.len() > CONFIG_PART_MAX_KB * 1024 {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            format!("The 'config' part is larger than {CONFIG_PART_MAX_KB} KB; a training or prediction request with a column mapping of 1,000 features fits in a tenth of that."),
        )
        .with_field("config"));
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

async fn read_parts(state: &AppState, mut form: axum::extract::Multipart) -> Result<Parts, ApiError> {
    let mut parts = Parts { config: None, train: None, test: None };
    loop {
        let Some(field) = form.next_field().await.map_err(|e| form_error(state, e))? else { break };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = uploads::display_name(field.file_name().unwrap_or(&name));
        let bytes = field.bytes().await.map_err(|e| form_error(state, e))?;
        match name.as_str() {
            "config" => parts.config = Some(config_text(&bytes)?),
            "train_file" => parts.train = Some((file_name, bytes.to_vec())),
            "test_file" if !bytes.is_empty() => parts.test = Some((file_name, bytes.to_vec())),
            "test_file" => {}
            other => {
                return Err(ApiError::new(
                    ErrorCode::InvalidRequest,
                    format!(
                        "Unexpected form part '{}'; expected config, train_file and optionally test_file.",
                        crate::api::error::shorten(other)
                    ),
                ))
            }
        }
    }
    Ok(parts)
}

/// JSON `{"model", "rows", "mission"?}`, or multipart/form-data with a `config` part
/// (`{"model", "mission"?}`) and a `file` CSV part → predictions with explanations.
async fn create_predictions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let multipart = is_multipart(&request);
    let work = state.clone();
    // Dropped with this future when the client goes away: the work then stops.
    let (budget, _client) = RequestBudget::new(state.config.prediction_budget_s);
    let response = if multipart {
        let mut form = axum::extract::Multipart::from_request(request, &state)
            .await
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.body_text()))?;
        let (mut config, mut file) = (None, None);
        while let Some(field) = form.next_field().await.map_err(|e| form_error(&state, e))? {
            let name = field.name().unwrap_or_default().to_string();
            let file_name = uploads::display_name(field.file_name().unwrap_or("uploaded.csv"));
            let bytes = field.bytes().await.map_err(|e| form_error(&state, e))?;
            match name.as_str() {
                "config" => config = Some(config_text(&bytes)?),
                "file" => file = Some((file_name, bytes.to_vec())),
                other => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidRequest,
                        format!(
                            "Unexpected form part '{}'; expected config and file.",
                            crate::api::error::shorten(other)
                        ),
                    ))
                }
            }
        }
        let config: PredictRequest = serde_json::from_str(config.as_deref().unwrap_or(r#"{"model":"pretrained"}"#))
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, format!("The 'config' part is not valid: {e}")))?;
        let (name, bytes) = file.ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, "The form has no 'file' part (the CSV table).").with_field("file")
        })?;
        blocking::run(work, move |s| predictions::predict_csv_with(s, &caller, &config, &name, bytes, &budget)).await
    } else {
        let body: PredictRequest = json_body(&state, request, "prediction request").await?;
        blocking::run(work, move |s| predictions::predict_rows_with(s, &caller, &body, &budget)).await
    };
    Ok(Json(response?))
}

/// `multipart/form-data` with one `file` part → what the table holds (for the mapping form).
async fn inspect_upload(
    State(state): State<AppState>,
    mut form: axum::extract::Multipart,
) -> Result<impl IntoResponse, ApiError> {
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

async fn training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::progress(s, &caller, &id)).await?))
}

async fn training_result(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    // Serialised on the blocking pool too: a result is megabytes of JSON.
    let body = blocking::run(state, move |s| {
        let result = trainings::result(s, &caller, &id)?;
        serde_json::to_vec(&*result).map_err(|_| ApiError::new(ErrorCode::Internal, "The result could not be written."))
    })
    .await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body))
}

/// The held-out predictions as a CSV table (cells a spreadsheet would run are neutralised).
async fn predictions_csv(
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

async fn training_importance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::importance(s, &caller, &id)).await?))
}

async fn cancel_training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::cancel(s, &caller, &id)).await?))
}

/// `{"shared": bool, "include_rows": bool}` → who may read it now.
async fn share_training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: ShareRequest = json_body(&state, request, "share request").await?;
    Ok(Json(blocking::run(state, move |s| trainings::share(s, &caller, &id, body)).await?))
}

async fn list_trainings(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| trainings::list_trainings(s, &caller)).await?))
}

async fn delete_training(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    blocking::run(state, move |s| trainings::delete_training(s, &caller, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn model_file(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let (name, json) = blocking::run(state, move |s| trainings::model_file(s, &caller, &id)).await?;
    Ok(attachment("application/json", &name, json))
}

async fn account(Extension(caller): Extension<Caller>) -> impl IntoResponse {
    Json(super::accounts::status(&caller))
}

async fn register(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(reset): Extension<VisitorReset>,
    session: Session,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: Credentials = json_body(&state, request, "sign-in request").await?;
    Ok((StatusCode::CREATED, Json(super::accounts::register(&state, &caller, &session, &reset, body).await?)))
}

async fn sign_in(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(reset): Extension<VisitorReset>,
    session: Session,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: Credentials = json_body(&state, request, "sign-in request").await?;
    Ok(Json(super::accounts::sign_in(&state, &caller, &session, &reset, body).await?))
}

async fn sign_out(Extension(reset): Extension<VisitorReset>, session: Session) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(super::accounts::sign_out(&session, &reset).await?))
}

async fn tokens(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(blocking::run(state, move |s| super::accounts::tokens(s, &caller)).await?))
}

/// `{"name": "…"}` → the token, shown this once.
async fn create_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let body: NewTokenRequest = json_body(&state, request, "token request").await?;
    Ok((
        StatusCode::CREATED,
        Json(blocking::run(state, move |s| super::accounts::create_token(s, &caller, &body.name)).await?),
    ))
}

async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    blocking::run(state, move |s| super::accounts::revoke_token(s, &caller, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unknown_route() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "No such API route. See the README for the routes under /api/v1.")
}
