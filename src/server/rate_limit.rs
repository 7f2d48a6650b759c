//! Rate limits (governor's GCRA buckets, keyed) on every state-changing request, charged to
//! its *principal* (the account, or for anonymous visitors their address: see
//! `fairness::principal`), so a fresh cookie buys no fresh bucket; a stricter per-address
//! limit on sign-ins and registrations, and one on new identities (first visits, dropped
//! cookies, signing in and out). Beyond a limit: 429 `rate_limited` with `Retry-After` and
//! the setting's name. The operator is exempt.
//!
//! Which requests change something is decided by method, and for server functions (all
//! POSTs) by a list of the ones that only read: a new server function counts as a write
//! until it is listed, so a forgotten one is limited rather than free. Heavy reads are
//! metered separately (`fairness::heavy_work`).

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::access_settings::RateLimits;
use super::owner::{AddressBlock, Caller, Principal};
use super::state::AppState;
use crate::api::ApiError;
use crate::domain::ErrorCode;

/// What kind of request it is, for limiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Reads: not limited here.
    Free,
    /// Everything that changes something: starts, forms, cancels, deletes, shares, tokens,
    /// thresholds, sign-out.
    Write,
    /// Registering and signing in: limited per address whoever asks.
    SignIn,
}

/// Server functions that only read (everything else posted to `/api/…` is a write).
const READ_FUNCTIONS: &[&str] = &[
    "list_datasets",
    "list_models",
    "training_progress",
    "training_summary",
    "training_predictions",
    "list_trainings",
    "model_card",
    "predict_rows",
    "predict_held_out",
    "demo_controls",
    "decision_regions",
    "decision_scores",
    "account_status",
    "list_tokens",
    "candidates",
    "temporal_evaluation",
    "feature_set_scores",
    "sky_points",
    "sky_object",
    "shared_results_status",
];
const SIGN_IN_FUNCTIONS: &[&str] = &["sign_in", "register"];
/// JSON routes posted to that only read (predicting rows or a table, inspecting a table);
/// their bodies count against the principal's upload budget instead.
const READ_ROUTES: &[&str] = &["predictions", "uploads/inspect"];

pub fn kind(method: &Method, path: &str) -> Kind {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Kind::Free;
    }
    if let Some(rest) = path.strip_prefix("/api/v1/") {
        return match rest {
            "account/sign-in" | "account/register" => Kind::SignIn,
            route if READ_ROUTES.contains(&route) => Kind::Free,
            _ => Kind::Write,
        };
    }
    match path.strip_prefix("/api/") {
        Some(name) if SIGN_IN_FUNCTIONS.contains(&name) => Kind::SignIn,
        Some(name) if READ_FUNCTIONS.contains(&name) => Kind::Free,
        // Any other POST (a server function, a page's form post) changes something.
        _ => Kind::Write,
    }
}

pub struct Limiters {
    writes: DefaultKeyedRateLimiter<Principal>,
    sign_ins: DefaultKeyedRateLimiter<AddressBlock>,
    new_identities: DefaultKeyedRateLimiter<AddressBlock>,
    checks: AtomicU64,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl Limiters {
    pub fn new(limits: RateLimits) -> Arc<Limiters> {
        Arc::new(Limiters {
            writes: RateLimiter::keyed(per_minute(limits.writes_per_minute)),
            sign_ins: RateLimiter::keyed(per_minute(limits.sign_ins_per_minute)),
            new_identities: RateLimiter::keyed(per_minute(limits.new_visitors_per_minute)),
            checks: AtomicU64::new(0),
        })
    }

    /// A new identity for a browser at `address` (a first visit, a dropped cookie, signing
    /// in, out or registering): `Err` (seconds to wait, what) when it has made too many lately.
    pub fn check_new_identity(&self, address: AddressBlock) -> Result<(), (u64, &'static str)> {
        self.new_identities.check_key(&address).map_err(|n| {
            (
                wait_s(n),
                "new identities per minute from one address (EXO_NEW_VISITORS_PER_MINUTE); keep the identity cookie",
            )
        })
    }

    /// `Err` with the seconds to wait when the request is over its limit.
    fn check(&self, request: &Request) -> Result<(), (u64, &'static str)> {
        let kind = kind(request.method(), request.uri().path());
        if kind == Kind::Free {
            return Ok(());
        }
        let Some(caller) = request.extensions().get::<Caller>() else { return Ok(()) };
        let principal = caller.principal();
        if principal.is_operator() {
            return Ok(());
        }
        // Forget idle keys now and then, so the maps stay the size of the active clients.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.writes.retain_recent();
            self.sign_ins.retain_recent();
            self.new_identities.retain_recent();
        }
        if kind == Kind::SignIn {
            let address = request.extensions().get::<super::identity::ClientAddress>().map(|a| a.block());
            let address = address.unwrap_or(AddressBlock::of(std::net::IpAddr::from([0, 0, 0, 0])));
            return self.sign_ins.check_key(&address).map_err(|n| {
                (wait_s(n), "sign-in attempts per minute from one address (EXO_SIGN_IN_LIMIT_PER_MINUTE)")
            });
        }
        self.writes.check_key(&principal).map_err(|n| {
            (
                wait_s(n),
                "requests that change something per minute from one account or address (EXO_RATE_LIMIT_PER_MINUTE)",
            )
        })
    }
}

fn wait_s(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> u64 {
    not_until.wait_time_from(DefaultClock::default().now()).as_secs() + 1
}

/// 429 `rate_limited` with `Retry-After` and the setting named in `what` (in parentheses).
pub fn refusal(seconds: u64, what: &str) -> Response {
    refusal_error(seconds, what).into_response()
}

pub fn refusal_error(seconds: u64, what: &str) -> ApiError {
    let setting = what.split('(').nth(1).and_then(|rest| rest.split(')').next()).unwrap_or_default();
    ApiError::new(ErrorCode::RateLimited, format!("Too many {what}. Try again in {seconds} s."))
        .with_setting(setting)
        .with_retry_after(seconds)
}

pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match state.limiters.check(&request) {
        Ok(()) => next.run(request).await,
        Err((seconds, what)) => refusal(seconds, what),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_state_changing_requests_are_limited() {
        assert_eq!(kind(&Method::GET, "/api/v1/trainings"), Kind::Free);
        assert_eq!(kind(&Method::POST, "/api/v1/trainings"), Kind::Write);
        assert_eq!(kind(&Method::DELETE, "/api/v1/trainings/x"), Kind::Write);
        assert_eq!(kind(&Method::POST, "/api/v1/predictions"), Kind::Free);
        assert_eq!(kind(&Method::POST, "/api/training_progress"), Kind::Free, "polls are reads");
        assert_eq!(kind(&Method::POST, "/api/start_training"), Kind::Write);
        assert_eq!(kind(&Method::POST, "/api/sign_in"), Kind::SignIn);
        assert_eq!(kind(&Method::POST, "/api/train_form"), Kind::Write, "the no-JS form starts trainings");
        assert_eq!(kind(&Method::POST, "/api/save_threshold"), Kind::Write);
        assert_eq!(kind(&Method::POST, "/api/some_new_function"), Kind::Write, "unlisted means limited");
    }
}
