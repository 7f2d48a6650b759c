//! Requests in flight per principal: of the process's `EXO_MAX_CONCURRENT_REQUESTS`, one
//! principal may hold at most `EXO_REQUESTS_PER_PRINCIPAL` at once, so one client (any
//! number of its cookies) cannot take every slot. Beyond it: 429 naming the setting, at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::server::owner::{Caller, Principal};
use crate::server::state::AppState;

#[derive(Default)]
pub struct RequestSlots {
    held: Mutex<HashMap<Principal, usize>>,
}

/// A held slot; dropping it (the request answered, or its future dropped) frees it.
pub struct Slot {
    slots: Arc<RequestSlots>,
    principal: Principal,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.slots.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = held.get_mut(&self.principal) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.remove(&self.principal);
            }
        }
    }
}

impl RequestSlots {
    /// A slot for `principal`, unless it holds `limit` already.
    pub fn take(self: &Arc<Self>, principal: Principal, limit: usize) -> Option<Slot> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let n = held.entry(principal).or_insert(0);
        if *n >= limit && !principal.is_operator() {
            return None;
        }
        *n += 1;
        Some(Slot { slots: self.clone(), principal })
    }
}

/// The middleware (after the caller is known).
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(principal) = request.extensions().get::<Caller>().map(Caller::principal) else {
        return next.run(request).await;
    };
    let limit = state.config.fairness.requests_per_principal;
    let Some(_slot) = state.request_slots.take(principal, limit) else {
        return ApiError::new(
            ErrorCode::RateLimited,
            format!(
                "You have {limit} requests in flight, the most one account or address may have at once (EXO_REQUESTS_PER_PRINCIPAL); wait for some to finish."
            ),
        )
        .with_setting("EXO_REQUESTS_PER_PRINCIPAL")
        .with_retry_after(1)
        .into_response();
    };
    next.run(request).await
}
