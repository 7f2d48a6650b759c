//! Rate limits on state-changing requests (governor's GCRA buckets, keyed): per owner, or
//! per client address for a request that arrives without an identity (so dropping the
//! cookie buys nothing), and a stricter per-address limit on sign-ins and registrations.
//! Beyond a limit: 429 `rate_limited` with `Retry-After`. The operator is exempt; reads
//! (pages, polls, results, predictions) are not limited here (the concurrency limit and
//! the prediction budget bound them).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::access_settings::RateLimits;
use super::identity::Known;
use super::owner::Caller;
use super::state::AppState;
use crate::api::ApiError;
use crate::domain::ErrorCode;

/// What kind of request it is, for limiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Reads and predictions: not limited here.
    Free,
    /// Starts, cancels, deletes, shares, tokens, uploads.
    Write,
    /// Registering and signing in: limited per address whoever asks.
    SignIn,
}

/// Server functions that change something (the others read).
const WRITE_FUNCTIONS: &[&str] = &[
    "start_training",
    "cancel_training",
    "delete_training",
    "share_training",
    "create_token",
    "revoke_token",
    "sign_out",
];
const SIGN_IN_FUNCTIONS: &[&str] = &["sign_in", "register"];

pub fn kind(method: &Method, path: &str) -> Kind {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Kind::Free;
    }
    if let Some(rest) = path.strip_prefix("/api/v1/") {
        return match rest {
            "predictions" | "uploads/inspect" => Kind::Free,
            "account/sign-in" | "account/register" => Kind::SignIn,
            _ => Kind::Write,
        };
    }
    match path.strip_prefix("/api/") {
        Some(name) if SIGN_IN_FUNCTIONS.contains(&name) => Kind::SignIn,
        Some(name) if WRITE_FUNCTIONS.contains(&name) => Kind::Write,
        _ => Kind::Free,
    }
}

pub struct Limiters {
    writes: DefaultKeyedRateLimiter<String>,
    sign_ins: DefaultKeyedRateLimiter<IpAddr>,
    new_visitors: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
    trust_proxy: bool,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl Limiters {
    pub fn new(limits: RateLimits, trust_proxy: bool) -> Arc<Limiters> {
        Arc::new(Limiters {
            writes: RateLimiter::keyed(per_minute(limits.writes_per_minute)),
            sign_ins: RateLimiter::keyed(per_minute(limits.sign_ins_per_minute)),
            new_visitors: RateLimiter::keyed(per_minute(limits.new_visitors_per_minute)),
            checks: AtomicU64::new(0),
            trust_proxy,
        })
    }

    /// The client's address: the connection's, or behind a trusted proxy the last
    /// `X-Forwarded-For` entry (the one the proxy added).
    fn client(&self, request: &Request) -> IpAddr {
        if self.trust_proxy {
            let forwarded = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
            if let Some(ip) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|ip| ip.trim().parse().ok()) {
                return ip;
            }
        }
        request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    /// A request that would create a new anonymous identity: `Err` (seconds to wait) when its
    /// address has made too many lately.
    pub fn check_new_visitor(&self, request: &Request) -> Result<(), (u64, &'static str)> {
        self.new_visitors.check_key(&self.client(request)).map_err(|n| {
            (
                wait_s(n),
                "new visitors per minute from one address (EXO_NEW_VISITORS_PER_MINUTE); keep the identity cookie",
            )
        })
    }

    /// `Err` with the seconds to wait when the request is over its limit.
    fn check(&self, request: &Request) -> Result<(), (u64, &'static str)> {
        let kind = kind(request.method(), request.uri().path());
        if kind == Kind::Free {
            return Ok(());
        }
        let caller = request.extensions().get::<Caller>();
        if caller.is_some_and(Caller::is_operator) {
            return Ok(());
        }
        // Forget idle keys now and then, so the maps stay the size of the active clients.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.writes.retain_recent();
            self.sign_ins.retain_recent();
            self.new_visitors.retain_recent();
        }
        let client = self.client(request);
        if kind == Kind::SignIn {
            return self.sign_ins.check_key(&client).map_err(|n| {
                (wait_s(n), "sign-in attempts per minute from one address (EXO_SIGN_IN_LIMIT_PER_MINUTE)")
            });
        }
        let known = request.extensions().get::<Known>().is_some_and(|k| k.0);
        let key = match caller.and_then(Caller::owner) {
            Some(owner) if known => format!("owner:{owner}"),
            _ => format!("address:{client}"),
        };
        self.writes
            .check_key(&key)
            .map_err(|n| (wait_s(n), "requests that change something per minute (EXO_RATE_LIMIT_PER_MINUTE)"))
    }
}

fn wait_s(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> u64 {
    not_until.wait_time_from(DefaultClock::default().now()).as_secs() + 1
}

/// 429 `rate_limited` with `Retry-After`.
pub fn refusal(seconds: u64, what: &str) -> Response {
    let error = ApiError::new(ErrorCode::RateLimited, format!("Too many {what}. Try again in {seconds} s."));
    let mut response = error.into_response();
    response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
    response
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
    }
}
