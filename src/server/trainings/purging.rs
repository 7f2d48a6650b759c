//! The operator's purge: retention never deletes finished work to make room (see
//! `server::retention`), so when the disk is full it is the operator who decides what goes.
//! `POST /api/v1/admin/purge` with `{"inactive_days": N}` removes the finished work of every
//! anonymous visitor not seen for N days or more (N = 0: all of it); accounts' work stays.

use serde::{Deserialize, Serialize};

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::server::owner::Caller;
use crate::server::state::AppState;
use crate::server::store::now_ms;

/// The most days a purge may look back (anything older than a century is everything).
const MAX_DAYS: u64 = 36_500;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurgeRequest {
    pub inactive_days: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PurgeReport {
    /// Trainings removed, with their results, models and uploaded tables.
    pub removed_trainings: usize,
    /// The store's size afterwards, in bytes (as retention measures it).
    pub disk_bytes: u64,
}

pub fn purge(state: &AppState, caller: &Caller, request: &PurgeRequest) -> Result<PurgeReport, ApiError> {
    if !caller.is_operator() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Only the operator (Authorization: Bearer EXO_ADMIN_TOKEN) may purge stored work.",
        ));
    }
    if request.inactive_days > MAX_DAYS {
        return Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!("inactive_days is 0 to {MAX_DAYS} (0 removes every anonymous visitor's finished work)."),
        )
        .with_field("inactive_days"));
    }
    let cutoff = now_ms().saturating_sub(request.inactive_days * 24 * 60 * 60 * 1000);
    // 0 days: everyone was seen before now + 1 ms.
    let cutoff = if request.inactive_days == 0 { now_ms() + 1 } else { cutoff };
    let removed = state.store.expire_anonymous(cutoff);
    let disk_bytes = state.store.disk_bytes()?;
    state.jobs.measure_storage();
    tracing::warn!(removed, inactive_days = request.inactive_days, disk_bytes, "the operator purged anonymous work");
    Ok(PurgeReport { removed_trainings: removed, disk_bytes })
}
