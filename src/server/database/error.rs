//! The one error the database gives its callers: it did not answer (in time, or at all).

/// The database did not answer in time, or answered with an error (logged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the database is unavailable ({0})")]
pub struct Unavailable(pub String);

pub type DbResult<T> = Result<T, Unavailable>;

impl From<Unavailable> for crate::api::ApiError {
    fn from(_: Unavailable) -> Self {
        // The details are in the log; the client learns only that it may retry.
        crate::api::ApiError::new(
            crate::domain::ErrorCode::Unavailable,
            "The database is not answering right now; try again in a few seconds.",
        )
    }
}
