//! JSON request bodies of the API, read with their own size limit (`EXO_MAX_JSON_KB`, far
//! below the upload limit): a body past it is answered 413 naming the limit, before it is
//! parsed; a body that is not JSON of the expected shape, 400 with serde's reason; one that
//! does not say it is JSON, 415 (a cross-site form can only send text/plain).
//!
//! An oversized body is read to its end and dropped (never kept), up to the upload limit,
//! so the client is still listening when the 413 arrives instead of seeing its connection
//! reset halfway through sending.

use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::api::ApiError;
use crate::domain::ErrorCode;

/// Reads and parses a JSON body of at most `limit_kb` KB; `drain_limit` bounds how much of
/// an oversized body is read and dropped. `what` names the request in messages.
pub async fn read_json<T: DeserializeOwned>(
    request: Request,
    limit_kb: u64,
    drain_limit: u64,
    what: &str,
) -> Result<T, ApiError> {
    let is_json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("Send the {what} as JSON with 'Content-Type: application/json' (or files as multipart/form-data)."),
        ));
    }
    let limit = limit_kb.saturating_mul(1024);
    let too_large = || {
        ApiError::new(
            ErrorCode::TooLarge,
            format!("The {what} is larger than {limit_kb} KB, the most a JSON body may be (EXO_MAX_JSON_KB)."),
        )
        .with_setting("EXO_MAX_JSON_KB")
    };
    let mut body = request.into_body().into_data_stream();
    let (mut bytes, mut seen, mut over) = (Vec::new(), 0u64, false);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            crate::server::fairness::body_rate::slow_body_in(&e).unwrap_or_else(|| {
                ApiError::new(ErrorCode::InvalidRequest, format!("The request body could not be read: {e}"))
            })
        })?;
        seen += chunk.len() as u64;
        if seen > limit {
            over = true;
            bytes = Vec::new();
            if seen > drain_limit {
                break;
            }
            continue;
        }
        bytes.extend_from_slice(&chunk);
    }
    if over {
        return Err(too_large());
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, format!("The request body is not a valid {what}: {e}")))
}
