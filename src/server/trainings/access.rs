//! Who may see or change a training: finding it by the id a client sent, for reading or
//! for managing, and the access report a result carries.

use uuid::Uuid;

use crate::api::*;
use crate::server::owner::{Access, Caller, Share};
use crate::server::state::AppState;
use crate::server::store::TrainingSession;

/// A training by the id a client sent, with what the caller may do with it; someone else's
/// private training is "not found", exactly like one that does not exist. `with_result`
/// also reads its result (megabytes: only the result routes need it).
pub(super) fn find(
    state: &AppState,
    caller: &Caller,
    id: &str,
    with_result: bool,
) -> Result<(TrainingSession, Access), ApiError> {
    let Ok(uuid) = Uuid::parse_str(id.trim()) else { return Err(ApiError::not_found("training", id)) };
    let found = if with_result { state.store.get(&uuid)? } else { state.store.status(&uuid)? };
    let session = found.ok_or_else(|| ApiError::not_found("training", id))?;
    match Access::of(caller, session.owner, session.share.as_ref()) {
        Access::None => Err(ApiError::not_found("training", id)),
        access => Ok((session, access)),
    }
}

/// A training the caller may read (their own, or shared).
pub(super) fn session(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingSession, ApiError> {
    find(state, caller, id, false).map(|(s, _)| s)
}

/// A training the caller may change: the owner's or the operator's; a reader of a shared
/// one is told why not.
pub(super) fn managed(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingSession, ApiError> {
    match find(state, caller, id, false)? {
        (s, Access::Manage) => Ok(s),
        _ => Err(ApiError::new(
            ErrorCode::Forbidden,
            "This training was shared with you to read; only its owner can cancel, delete or share it.",
        )),
    }
}

pub(super) fn access_report(access: Access, share: Option<&Share>) -> ResultAccess {
    ResultAccess {
        can_manage: access == Access::Manage,
        shared: share.is_some(),
        include_rows: share.is_some_and(|s| s.include_rows),
        shared_by: share.map(|s| s.by.clone()),
    }
}
