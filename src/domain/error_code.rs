//! The stable machine codes of errors users see, each with its HTTP status. Decisions are
//! made on these, never on message text.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Malformed JSON, a missing part, a field of the wrong type.
    InvalidRequest,
    InvalidHyperparameter,
    UnknownDataset,
    UnknownModel,
    InvalidValue,
    InvalidUpload,
    /// A table to predict whose columns must be chosen by the user.
    UnrecognisedColumns,
    TooLarge,
    NotFound,
    NotFinished,
    NameTaken,
    QueueFull,
    /// A training estimated past `EXO_MAX_TRAINING_MB`.
    TooCostly,
    OverBudget,
    UnsupportedMediaType,
    /// The database is down: retry.
    Unavailable,
    /// A training that ended in an error (shown on its progress page).
    TrainingFailed,
    Internal,
    /// The browser could not reach the server.
    Network,
    Overloaded,
    Timeout,
    NotReady,
    Forbidden,
    /// A bad or revoked API token.
    Unauthorized,
    QuotaExceeded,
    RateLimited,
    /// A host not in `EXO_ALLOWED_HOSTS`.
    Misdirected,
    /// The server's storage is at its limit (`EXO_MAX_DISK_MB`): no new work is stored, and
    /// nobody's kept work is deleted to make room.
    StorageFull,
    /// A request's body arrived too slowly (`EXO_MIN_BODY_RATE_KB_S`).
    SlowBody,
}

impl ErrorCode {
    /// The HTTP status answering this code.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            InvalidRequest => 400,
            Unauthorized => 401,
            Forbidden => 403,
            NotFound => 404,
            NotFinished | NameTaken => 409,
            TooLarge => 413,
            UnsupportedMediaType => 415,
            Misdirected => 421,
            InvalidHyperparameter
            | UnknownDataset
            | UnknownModel
            | InvalidValue
            | InvalidUpload
            | UnrecognisedColumns
            | TooCostly
            | OverBudget => 422,
            QueueFull | QuotaExceeded | RateLimited => 429,
            TrainingFailed | Internal => 500,
            SlowBody => 408,
            Unavailable | Network | Overloaded | Timeout | NotReady => 503,
            StorageFull => 507,
        }
    }

    /// Seconds after which trying again makes sense, for errors that pass by themselves
    /// (sent as `Retry-After`).
    pub fn retry_after_s(self) -> Option<u32> {
        match self {
            ErrorCode::Overloaded => Some(1),
            ErrorCode::NotReady | ErrorCode::Unavailable | ErrorCode::QueueFull => Some(5),
            ErrorCode::QuotaExceeded => Some(60),
            ErrorCode::RateLimited => Some(1),
            _ => None,
        }
    }

    /// The code as sent (`"not_found"`), for logs and metric labels.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            InvalidRequest => "invalid_request",
            InvalidHyperparameter => "invalid_hyperparameter",
            UnknownDataset => "unknown_dataset",
            UnknownModel => "unknown_model",
            InvalidValue => "invalid_value",
            InvalidUpload => "invalid_upload",
            UnrecognisedColumns => "unrecognised_columns",
            TooLarge => "too_large",
            NotFound => "not_found",
            NotFinished => "not_finished",
            NameTaken => "name_taken",
            QueueFull => "queue_full",
            TooCostly => "too_costly",
            OverBudget => "over_budget",
            UnsupportedMediaType => "unsupported_media_type",
            Unavailable => "unavailable",
            TrainingFailed => "training_failed",
            Internal => "internal",
            Network => "network",
            Overloaded => "overloaded",
            Timeout => "timeout",
            NotReady => "not_ready",
            Forbidden => "forbidden",
            Unauthorized => "unauthorized",
            QuotaExceeded => "quota_exceeded",
            RateLimited => "rate_limited",
            Misdirected => "misdirected",
            StorageFull => "storage_full",
            SlowBody => "slow_body",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_matches_the_wire_form() {
        for code in [ErrorCode::InvalidRequest, ErrorCode::UnsupportedMediaType, ErrorCode::TrainingFailed] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{code}\""));
        }
    }

    #[test]
    fn statuses() {
        assert_eq!(ErrorCode::NotFound.status(), 404);
        assert_eq!(ErrorCode::InvalidHyperparameter.status(), 422);
        assert_eq!(ErrorCode::NotFinished.status(), 409);
        assert_eq!(ErrorCode::Internal.status(), 500);
        assert_eq!((ErrorCode::Overloaded.status(), ErrorCode::Overloaded.retry_after_s()), (503, Some(1)));
        assert_eq!(ErrorCode::Forbidden.status(), 403);
    }
}
