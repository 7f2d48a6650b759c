//! The database's errors: [`Unavailable`], the one its callers see while serving (it did
//! not answer, in time or at all), and [`OpenError`] at start-up.

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

/// Why the database could not be opened at start-up (the server then does not start).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create the state folder {path}: {source}")]
    StateFolder { path: std::path::PathBuf, source: std::io::Error },
    /// The connection's own thread or runtime could not be started.
    #[error("cannot start the database's {what}: {reason}")]
    Thread { what: &'static str, reason: String },
    /// Connecting or migrating failed; `location` names the file or the server without its
    /// password.
    #[error("cannot open the database {location}: {source}")]
    Connect { location: String, source: sqlx::Error },
}
