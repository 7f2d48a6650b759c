//! The one error type users see, from the server functions and the JSON routes alike.
//! Messages are written for people: they say what was wrong and, where it applies,
//! which field. Internal details are logged on the server, never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable machine code: `invalid_request`, `invalid_hyperparameter`, `unknown_dataset`,
    /// `unknown_model`, `invalid_value`, `invalid_upload`, `unrecognised_columns` (a table to
    /// predict whose columns must be chosen), `too_large`, `not_found`, `not_finished`,
    /// `queue_full`, `too_costly` (a training estimated past `EXO_MAX_TRAINING_MB`),
    /// `over_budget`, `unsupported_media_type`, `unavailable` (the database is down: retry),
    /// `internal`, `network`; from the serving layers `overloaded`, `timeout`, `not_ready`
    /// and `forbidden`; from the identity layers `unauthorized` (401: a bad API token),
    /// `quota_exceeded` and `rate_limited` (429), `misdirected` (421: a host not in
    /// `EXO_ALLOWED_HOSTS`).
    pub code: String,
    pub message: String,
    /// The request field at fault, when there is one.
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError { code: code.to_string(), message: message.into(), field: None }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Also the answer for someone else's private work: an id leaks nothing.
    pub fn not_found(what: &str, id: &str) -> Self {
        ApiError::new("not_found", format!("No {what} with id '{}' exists here. It may have been mistyped, or it belongs to someone who has not shared it.", shorten(id)))
    }

    /// The HTTP status for this error's code.
    pub fn status(&self) -> u16 {
        match self.code.as_str() {
            "invalid_request" => 400,
            "not_found" => 404,
            "not_finished" | "name_taken" => 409,
            "invalid_hyperparameter"
            | "unknown_dataset"
            | "unknown_model"
            | "invalid_value"
            | "invalid_upload"
            | "unrecognised_columns" => 422,
            "forbidden" => 403,
            "too_large" => 413,
            "unsupported_media_type" => 415,
            "too_costly" | "over_budget" => 422,
            "unavailable" => 503,
            "queue_full" | "quota_exceeded" | "rate_limited" => 429,
            "unauthorized" => 401,
            "misdirected" => 421,
            "network" | "overloaded" | "timeout" | "not_ready" => 503,
            _ => 500,
        }
    }

    /// Seconds after which trying again makes sense, for errors that pass by themselves
    /// (sent as `Retry-After`).
    pub fn retry_after_s(&self) -> Option<u32> {
        match self.code.as_str() {
            "overloaded" => Some(1),
            "not_ready" | "unavailable" | "queue_full" => Some(5),
            "quota_exceeded" => Some(60),
            _ => None,
        }
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
            ServerFnErrorErr::Request(e) => ApiError::new("network", format!("Could not reach the server: {e}")),
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::MissingArg(e) => {
                ApiError::new("invalid_request", format!("The request was malformed: {e}"))
            }
            other => ApiError::new("internal", format!("Something went wrong talking to the server ({other}).")),
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
        crate::server::metrics::rejected(&self.code);
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
    fn codes_map_to_statuses() {
        assert_eq!(ApiError::not_found("training", "x").status(), 404);
        assert_eq!(ApiError::new("invalid_hyperparameter", "").status(), 422);
        assert_eq!(ApiError::new("not_finished", "").status(), 409);
        assert_eq!(ApiError::new("unrecognised_columns", "").status(), 422);
        assert_eq!(ApiError::new("whatever", "").status(), 500);
        assert_eq!(
            (ApiError::new("overloaded", "").status(), ApiError::new("overloaded", "").retry_after_s()),
            (503, Some(1))
        );
        assert_eq!(ApiError::new("forbidden", "").status(), 403);
    }
}
