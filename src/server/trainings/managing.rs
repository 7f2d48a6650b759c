//! Managing a training: cancelling, deleting, sharing it, and downloading its model.

use super::access::{access_report, find, managed};
use super::reading::progress;
use crate::api::*;
use crate::server::owner::{Access, Caller, Share};
use crate::server::state::AppState;

/// Deletes a finished training with its result and model; a queued or running one must be
/// cancelled first.
pub fn delete_training(state: &AppState, caller: &Caller, id: &str) -> Result<(), ApiError> {
    let s = managed(state, caller, id)?;
    if !s.status.is_finished() {
        return Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training is {}; cancel it before deleting it.", s.status.as_str()),
        ));
    }
    state.store.delete(&s.id)?;
    tracing::info!(id = %s.id, "training deleted");
    Ok(())
}

/// The trained model as JSON, with a file name for the download: for its owner, or for
/// anyone when it was shared with its rows (a fine-tuned model names the rows it learned).
pub fn model_file(state: &AppState, caller: &Caller, id: &str) -> Result<(String, String), ApiError> {
    let (s, access) = find(state, caller, id, false)?;
    if !access.reaches_rows() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Its owner shared the result without its rows and model; the model cannot be downloaded.",
        ));
    }
    let json = state.store.model(&s.id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("Training {} has no saved model (only completed trainings keep one).", s.id),
        )
    })?;
    let short: String = s.id.to_string().chars().take(8).collect();
    Ok((format!("{}-{}-{short}.json", s.request.model, s.request.dataset), json))
}

/// Stops a queued or running training; its status becomes `cancelled` once the worker
/// notices (between trees or explained objects).
pub fn cancel(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingProgress, ApiError> {
    let s = managed(state, caller, id)?;
    if s.status.is_finished() || !state.jobs.cancel(&s.id)? {
        return Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training is already {}; there is nothing to cancel.", s.status.as_str()),
        ));
    }
    progress(state, caller, id)
}

/// Makes a training public (anyone with its link reads it) or private again.
pub fn share(state: &AppState, caller: &Caller, id: &str, request: ShareRequest) -> Result<ResultAccess, ApiError> {
    let s = managed(state, caller, id)?;
    let share = request.shared.then(|| Share { by: caller.display_name(), include_rows: request.include_rows });
    state.store.set_share(&s.id, share.clone())?;
    tracing::info!(id = %s.id, shared = request.shared, include_rows = request.include_rows, "sharing changed");
    Ok(access_report(Access::Manage, share.as_ref()))
}
