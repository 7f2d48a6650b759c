//! Per-owner quotas (settings in `access_settings::Quotas`): checked before a training is
//! queued or a table stored, so one owner can never fill the queue or the disk for
//! everyone. Beyond one: 429 `quota_exceeded`, naming the quota, its setting and the way
//! out. The operator has none.

use super::owner::Caller;
use super::state::AppState;
use super::store::now_ms;
use crate::api::{ApiError, TrainingStatus};
use crate::domain::ErrorCode;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn exceeded(message: String) -> ApiError {
    ApiError::new(ErrorCode::QuotaExceeded, message)
}

/// A new training: trainings waiting or running, started today, and kept.
pub fn check_training(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    let Some(owner) = caller.owner() else { return Ok(()) };
    let q = state.config.access.quotas;
    let mine = state.store.list_owned(&owner)?;
    let active = mine.iter().filter(|s| matches!(s.status, TrainingStatus::Queued | TrainingStatus::Running)).count();
    if active >= q.active_trainings {
        return Err(exceeded(format!(
            "You already have {active} trainings waiting or running, the most one person may have at once ({}, EXO_QUOTA_ACTIVE_TRAININGS). Start this one when one of them has finished, or cancel one.",
            q.active_trainings
        )));
    }
    let since = now_ms().saturating_sub(DAY_MS);
    let today = mine.iter().filter(|s| s.created_at >= since).count();
    if today >= q.trainings_per_day {
        return Err(exceeded(format!(
            "You have started {today} trainings in the last 24 hours, the most one person may ({}, EXO_QUOTA_TRAININGS_PER_DAY). Try again tomorrow.",
            q.trainings_per_day
        )));
    }
    if mine.len() >= q.stored_trainings {
        return Err(exceeded(format!(
            "You keep {} trainings with their models, the most one person may ({}, EXO_QUOTA_STORED_TRAININGS). Delete some on the saved-models page (/models) first.",
            mine.len(),
            q.stored_trainings
        )));
    }
    Ok(())
}

/// Tables of `bytes` about to be stored: today's uploads and everything kept.
pub fn check_upload(state: &AppState, caller: &Caller, bytes: u64) -> Result<(), ApiError> {
    let Some(owner) = caller.owner() else { return Ok(()) };
    let q = state.config.access.quotas;
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    let today = state.store.upload_bytes_since(&owner, now_ms().saturating_sub(DAY_MS))?;
    if today + bytes > q.upload_mb_per_day * 1024 * 1024 {
        return Err(exceeded(format!(
            "This upload ({} MB) would take you past {} MB uploaded in 24 hours ({} MB so far; EXO_QUOTA_UPLOAD_MB_PER_DAY). Try again tomorrow, or upload a smaller table.",
            mb(bytes),
            q.upload_mb_per_day,
            mb(today)
        )));
    }
    let total = state.store.upload_bytes_since(&owner, 0)?;
    if total + bytes > q.upload_mb_total * 1024 * 1024 {
        return Err(exceeded(format!(
            "This upload ({} MB) would take your stored tables past {} MB ({} MB kept; EXO_QUOTA_UPLOAD_MB). Delete trainings on uploaded tables first.",
            mb(bytes),
            q.upload_mb_total,
            mb(total)
        )));
    }
    Ok(())
}
