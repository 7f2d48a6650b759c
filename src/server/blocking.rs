//! The operations are synchronous (they wait for the database thread, read files, or
//! compute); run on the async threads they would hold up every other request, so each
//! request runs its operation on tokio's blocking pool.

use crate::api::ApiError;

use super::state::AppState;
use crate::domain::ErrorCode;

/// Runs `operation` with the state on the blocking pool and returns its answer.
pub async fn run<T: Send + 'static>(
    state: AppState,
    operation: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || operation(&state)).await.unwrap_or_else(|join_error| {
        tracing::error!(%join_error, "an operation panicked");
        Err(ApiError::new(ErrorCode::Internal, "The server could not complete this request; it has been logged."))
    })
}
