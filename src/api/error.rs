//! The one error type users see, from the server functions and the JSON routes alike.
//! Messages are written for people: they say what was wrong and, where it applies,
//! which field. Internal details are logged on the server, never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable machine code; it decides the HTTP status.
    pub code: ErrorCode,
    pub message: String,
    /// The request field at fault, when there is one.
    pub field: Option<String>,
    /// The setting behind a refusal by a limit or quota (`EXO_…`), so a script (and its
    /// operator) knows which limit it met without reading the sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// Seconds before trying again makes sense, when the refusal knows better than its
    /// code's default (a rate limit's bucket, a backoff).
    #[serde(skip)]
    pub retry_after: Option<u32>,
    /// What really failed, for the server's log: never serialised, so never sent. It is
    /// logged once, where the error leaves the server (a JSON route's response or a server
    /// function's answer).
    #[serde(skip)]
    pub detail: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), field: None, setting: None, retry_after: None, detail: None }
    }

    /// Names the setting of the limit that refused the request.
    pub fn with_setting(mut self, setting: impl Into<String>) -> Self {
        self.setting = Some(setting.into());
        self
    }

    /// Sets `Retry-After` (seconds) for this answer.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.min(u32::MAX as u64) as u32);
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// A failure of the server itself: the user reads a plain sentence, the log gets `detail`.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ApiError {
            detail: Some(detail.to_string()),
            ..ApiError::new(
                ErrorCode::Internal,
                "Something went wrong on the server; it has been logged. Try again, and report it if it persists.",
            )
        }
    }

    /// Writes the hidden detail (and every server-side failure) to the log, once.
    #[cfg(feature = "ssr")]
    pub fn log(&self) {
        if self.status() >= 500 || self.detail.is_some() {
            tracing::error!(code = self.code.as_str(), message = %self.message, detail = self.detail.as_deref().unwrap_or(""), "request failed");
        }
    }

    /// Also the answer for someone else's private work: an id leaks nothing.
    pub fn not_found(what: &str, id: &str) -> Self {
        ApiError::new(ErrorCode::NotFound, format!("No {what} with id '{}' exists here. It may have been mistyped, or it belongs to someone who has not shared it.", shorten(id)))
    }

    /// The HTTP status for this error's code.
    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// Seconds after which trying again makes sense (sent as `Retry-After`).
    pub fn retry_after_s(&self) -> Option<u32> {
        self.retry_after.or(self.code.retry_after_s())
    }
}

/// A user's value quoted in a message: at most 60 characters, control characters removed.
pub fn shorten(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() <= 60 {
        clean
    } else {
        format!("{}…", clean.chars().take(57).collect::<String>())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) => {
                ApiError::new(ErrorCode::Network, format!("Could not reach the server: {e}"))
            }
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::MissingArg(e) => {
                ApiError::new(ErrorCode::InvalidRequest, format!("The request was malformed: {e}"))
            }
            other => {
                ApiError::new(ErrorCode::Internal, format!("Something went wrong talking to the server ({other})."))
            }
        }
    }
}

/// JSON routes send `{"error": {...}}` with the matching status (and `Retry-After` where
/// it applies); each is counted in the metrics by its code.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        let status =
            axum::http::StatusCode::from_u16(self.status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        crate::server::metrics::rejected(self.code.as_str());
        self.log();
        let retry_after = self.retry_after_s();
        let mut response = (status, axum::Json(serde_json::json!({ "error": self }))).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_decides_the_status() {
        assert_eq!(ApiError::not_found("training", "x").status(), 404);
        assert_eq!(ApiError::new(ErrorCode::UnrecognisedColumns, "").status(), 422);
        let json = serde_json::to_string(&ApiError::new(ErrorCode::QueueFull, "m").with_field("f")).unwrap();
        assert_eq!(json, r#"{"code":"queue_full","message":"m","field":"f"}"#);
    }
}
