//! What the routes read and send besides plain JSON answers: JSON bodies within the limits,
//! multipart forms (one loop reads every form's parts), the training form's parts and file
//! downloads.

use axum::extract::FromRequest;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::server::json_body::read_json;
use crate::server::state::AppState;
use crate::server::trainings::SentFile;
use crate::server::uploads;

/// A JSON body within this server's limits (`EXO_MAX_JSON_KB`; 415 / 413 as `read_json` says).
pub(super) async fn json_body<T: serde::de::DeserializeOwned>(
    state: &AppState,
    request: axum::extract::Request,
    what: &str,
) -> Result<T, ApiError> {
    read_json(request, state.config.max_json_kb, state.config.max_upload_mb * 1024 * 1024, what).await
}

/// Bodies above this size (by `Content-Length`) that are read but not stored count against
/// the sender's budget of bytes per day, before they are read.
const LARGE_BODY_BYTES: u64 = 256 * 1024;

/// Charges a large body to the caller's daily budget of bytes sent (refused past it, before
/// the body is read).
pub(super) async fn charge_large_body(
    state: &AppState,
    caller: &crate::server::owner::Caller,
    headers: &axum::http::HeaderMap,
) -> Result<(), ApiError> {
    let length = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    if length < LARGE_BODY_BYTES {
        return Ok(());
    }
    let caller = caller.clone();
    crate::server::blocking::run(state.clone(), move |s| crate::server::fairness::charge_body(s, &caller, length)).await
}

/// A file to download: its type, its name, its bytes.
pub(super) fn attachment(content_type: &str, name: &str, body: impl IntoResponse) -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
}

/// The parts of an upload form; file parts keep the user's file name (for display only).
pub(super) struct Parts {
    pub(super) config: Option<String>,
    pub(super) train: Option<SentFile>,
    pub(super) test: Option<SentFile>,
}

/// True for a `multipart/form-data` body (files), false for JSON.
pub(super) fn is_multipart(request: &axum::extract::Request) -> bool {
    request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// A multipart read error: over the body limit it is a 413 naming the limit; a body that
/// arrived too slowly, 408 naming its setting.
pub(super) fn form_error(state: &AppState, e: axum::extract::multipart::MultipartError) -> ApiError {
    if let Some(slow) = crate::server::fairness::body_rate::slow_body_in(&e) {
        return slow;
    }
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        let limit_mb = state.config.max_upload_mb;
        ApiError::new(
            ErrorCode::TooLarge,
            format!("The upload is larger than the limit of {limit_mb} MB (EXO_MAX_UPLOAD_MB)."),
        )
        .with_setting("EXO_MAX_UPLOAD_MB")
    } else {
        ApiError::new(ErrorCode::InvalidRequest, format!("The form could not be read: {}", e.body_text()))
    }
}

/// Largest `config` part of a form.
const CONFIG_PART_MAX_KB: usize = 256;

/// A form's `config` part: a small JSON request (a mapping that names one column two
/// million times is refused here, before it is parsed).
pub(super) fn config_text(bytes: &[u8]) -> Result<String, ApiError> {
    if bytes.len() > CONFIG_PART_MAX_KB * 1024 {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            format!("The 'config' part is larger than {CONFIG_PART_MAX_KB} KB; a training or prediction request with a column mapping of 1,000 features fits in a tenth of that."),
        )
        .with_field("config"));
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// Reads a multipart form part by part, handing `each` every part's name, the file name to
/// show (the part's own, else `unnamed_file`, else the part's name) and its bytes.
pub(super) async fn read_form(
    state: &AppState,
    request: axum::extract::Request,
    unnamed_file: Option<&str>,
    mut each: impl FnMut(&str, String, axum::body::Bytes) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let mut form = axum::extract::Multipart::from_request(request, state)
        .await
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.body_text()))?;
    while let Some(field) = form.next_field().await.map_err(|e| form_error(state, e))? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = uploads::display_name(field.file_name().or(unnamed_file).unwrap_or(&name));
        let bytes = field.bytes().await.map_err(|e| form_error(state, e))?;
        each(&name, file_name, bytes)?;
    }
    Ok(())
}

/// The training form: `config`, `train_file` and optionally `test_file` (an empty one is
/// no test file).
pub(super) async fn read_parts(state: &AppState, request: axum::extract::Request) -> Result<Parts, ApiError> {
    let mut parts = Parts { config: None, train: None, test: None };
    read_form(state, request, None, |name, file_name, bytes| {
        match name {
            "config" => parts.config = Some(config_text(&bytes)?),
            "train_file" => parts.train = Some(SentFile { name: file_name, bytes: bytes.to_vec() }),
            "test_file" if !bytes.is_empty() => parts.test = Some(SentFile { name: file_name, bytes: bytes.to_vec() }),
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
        Ok(())
    })
    .await?;
    Ok(parts)
}
