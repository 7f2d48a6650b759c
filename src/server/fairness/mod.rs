//! Fair by construction: on a shared instance nobody's volume costs anyone else their work,
//! their turn or their speed. Every cost is charged to a [`principal::Principal`] (an account,
//! or for anonymous visitors their address), never to an identity, which is free to make:
//! - **work** is admitted atomically against the person's quotas and the principal's budget
//!   ([`admission`]), and retention never deletes finished work to make room
//!   (`server::retention`): a full disk refuses new work instead;
//! - **turns**: the queue takes turns between principals and no principal holds more than
//!   its share of the workers (`database::queue`); every training has a wall-clock limit;
//! - **speed**: heavy reads run under a per-principal and a process-wide limit, cached by a
//!   canonical key and stopped when their client leaves ([`heavy_work`]); the results every
//!   visitor shares are computed once in the background ([`shared_results`]); requests in
//!   flight are bounded per principal ([`request_slots`]) and a slow body loses its slot
//!   within seconds ([`body_rate`]).

pub mod activity;
pub mod admission;
pub mod body_rate;
pub mod client_address;
pub mod heavy_work;
pub mod principal;
pub mod request_slots;
pub mod settings;
pub mod shared_results;

pub use settings::FairnessSettings;

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::ml::models::cost::TrainingCost;
use crate::server::database::usage::UPLOAD_BYTES_EVENT;
use crate::server::owner::{Caller, Principal};
use crate::server::state::AppState;
use crate::server::store::{now_ms, TrainingSession};

use admission::AdmissionLimits;

/// The quota window: "per day" is the last 24 hours of events.
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// A rate of the cost model's work units faster than any training runs: `bench`'s
/// `work_per_s` on Kepler ranged from 3.8e8 (gradient boosting) to 1.56e10 (the random
/// forest) on this project's 2-core machine (docs/benchmarks.md, "Admission's time check"),
/// and this is 13 times the fastest. A training refused by the time limit would exceed it
/// even at this rate, so none that could finish in time is refused on its estimate.
pub const FASTEST_WORK_PER_S: f64 = 2.0e11;

fn limits(state: &AppState) -> AdmissionLimits {
    AdmissionLimits {
        person: state.config.access.quotas,
        address: state.config.access.address_quotas,
        queue_per_principal: state.config.max_queue,
        queue_total: state.config.fairness.max_queue_total,
    }
}

fn storage_open(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    if state.storage.is_full() && !caller.is_operator() {
        return Err(admission::storage_full());
    }
    Ok(())
}

/// The early, non-atomic look at a new training's quotas (before its data is read).
pub fn check_can_start(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    storage_open(state, caller)?;
    let principal = caller.principal();
    if principal.is_operator() {
        return Ok(());
    }
    let owner = caller.owner().map(|o| o.to_string()).unwrap_or_default();
    let counts = state.db.admission_counts(owner, principal.key(), now_ms().saturating_sub(DAY_MS) as i64)?;
    limits(state).judge(principal, &counts)
}

/// Refuses a training whose estimated work exceeds the wall-clock limit even at the fastest
/// rate measured.
pub fn check_time(state: &AppState, cost: &TrainingCost) -> Result<(), ApiError> {
    let limit = state.config.fairness.max_training_s;
    let fastest_s = cost.work / FASTEST_WORK_PER_S;
    if fastest_s > limit as f64 {
        return Err(ApiError::new(
            ErrorCode::TooCostly,
            format!(
                "This training would run for at least {:.0} min, past the {:.0} min one training may take (EXO_MAX_TRAINING_S). Use fewer rows, trees, rounds or tuning trials.",
                fastest_s / 60.0,
                limit as f64 / 60.0
            ),
        )
        .with_setting("EXO_MAX_TRAINING_S"));
    }
    Ok(())
}

/// Queues `session` if its owner's quotas and its principal's budget admit it, counted and
/// inserted in one transaction.
pub fn admit(state: &AppState, principal: Principal, session: TrainingSession) -> Result<(), ApiError> {
    if state.storage.is_full() && !principal.is_operator() {
        return Err(admission::storage_full());
    }
    let window = now_ms().saturating_sub(DAY_MS);
    state.store.admit(session, window, limits(state).rule(principal))?
}

/// `bytes` about to be stored as the caller's tables: the person's and the principal's
/// bytes sent in the last 24 hours and kept, then charged (sent bytes count whether or not
/// the training is admitted).
pub fn check_upload(state: &AppState, caller: &Caller, bytes: u64) -> Result<(), ApiError> {
    storage_open(state, caller)?;
    let principal = caller.principal();
    if principal.is_operator() {
        return Ok(());
    }
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    let (person, address) = (state.config.access.quotas, state.config.access.address_quotas);
    let owner = caller.owner().map(|o| o.to_string());
    let since = now_ms().saturating_sub(DAY_MS) as i64;
    let (owner_sent, principal_sent) =
        state.db.usage_since(owner.clone(), principal.key(), UPLOAD_BYTES_EVENT, since)?;
    let over = |sent: u64, limit_mb: u64| sent + bytes > limit_mb * 1024 * 1024;
    let refuse =
        |setting: &str, message: String| Err(ApiError::new(ErrorCode::QuotaExceeded, message).with_setting(setting));
    if over(owner_sent, person.upload_mb_per_day) {
        return refuse(
            "EXO_QUOTA_UPLOAD_MB_PER_DAY",
            format!(
                "This upload ({} MB) would take you past {} MB sent in 24 hours ({} MB so far; EXO_QUOTA_UPLOAD_MB_PER_DAY). Try again tomorrow, or send a smaller table.",
                mb(bytes),
                person.upload_mb_per_day,
                mb(owner_sent)
            ),
        );
    }
    if principal.is_anonymous() && over(principal_sent, address.upload_mb_per_day) {
        return refuse(
            "EXO_ADDRESS_UPLOAD_MB_PER_DAY",
            format!(
                "Visitors from your address without an account have sent {} MB in 24 hours; this upload ({} MB) would pass the {} MB one address may (EXO_ADDRESS_UPLOAD_MB_PER_DAY). Sign in (/account) for a budget of your own, or try again tomorrow.",
                mb(principal_sent),
                mb(bytes),
                address.upload_mb_per_day
            ),
        );
    }
    if let Some(owner_id) = caller.owner() {
        let kept = state.store.upload_bytes_since(&owner_id, 0)?;
        if over(kept, person.upload_mb_total) {
            return refuse(
                "EXO_QUOTA_UPLOAD_MB",
                format!(
                    "This upload ({} MB) would take your stored tables past {} MB ({} MB kept; EXO_QUOTA_UPLOAD_MB). Delete trainings on uploaded tables first.",
                    mb(bytes),
                    person.upload_mb_total,
                    mb(kept)
                ),
            );
        }
    }
    if principal.is_anonymous() {
        let kept = state.db.principal_upload_bytes(principal.key())?;
        if over(kept, address.upload_mb_total) {
            return refuse(
                "EXO_ADDRESS_UPLOAD_MB",
                format!(
                    "Visitors from your address without an account keep {} MB of tables; this upload ({} MB) would pass the {} MB one address may keep (EXO_ADDRESS_UPLOAD_MB). Delete trainings on uploaded tables (/models), or sign in (/account).",
                    mb(kept),
                    mb(bytes),
                    address.upload_mb_total
                ),
            );
        }
    }
    state.db.record_usage(principal.key(), owner, UPLOAD_BYTES_EVENT, bytes as i64, now_ms() as i64)?;
    Ok(())
}

/// A large request body that is read but not stored (a table to predict or inspect):
/// counted against the per-day budget of bytes sent, refused past it.
pub fn charge_body(state: &AppState, caller: &Caller, bytes: u64) -> Result<(), ApiError> {
    let principal = caller.principal();
    if principal.is_operator() {
        return Ok(());
    }
    let (person, address) = (state.config.access.quotas, state.config.access.address_quotas);
    let owner = caller.owner().map(|o| o.to_string());
    let since = now_ms().saturating_sub(DAY_MS) as i64;
    let (owner_sent, principal_sent) =
        state.db.usage_since(owner.clone(), principal.key(), UPLOAD_BYTES_EVENT, since)?;
    let limit = |mb: u64| mb * 1024 * 1024;
    let (sent, allowed, setting) =
        if principal.is_anonymous() && principal_sent + bytes > limit(address.upload_mb_per_day) {
            (principal_sent, address.upload_mb_per_day, "EXO_ADDRESS_UPLOAD_MB_PER_DAY")
        } else {
            (owner_sent, person.upload_mb_per_day, "EXO_QUOTA_UPLOAD_MB_PER_DAY")
        };
    if sent + bytes > limit(allowed) {
        return Err(ApiError::new(
            ErrorCode::QuotaExceeded,
            format!(
                "This request's body ({} MB) would take you past the {allowed} MB of tables one may send in 24 hours ({setting}; {} MB so far). Try again tomorrow, or send a smaller table.",
                bytes.div_ceil(1024 * 1024),
                sent.div_ceil(1024 * 1024)
            ),
        )
        .with_setting(setting));
    }
    state.db.record_usage(principal.key(), owner, UPLOAD_BYTES_EVENT, bytes as i64, now_ms() as i64)?;
    Ok(())
}
