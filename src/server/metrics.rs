//! Prometheus metrics at `GET /metrics` (the `metrics` crate's recorder, installed once per
//! process): HTTP request durations by route, method and status; refused requests by
//! reason; training durations by outcome; and, computed from the store at each scrape, the
//! queue depth, running trainings and kept trainings by outcome.
//!
//! Served to loopback clients that did not come through a proxy (no `Forwarded` /
//! `X-Forwarded-For` / `X-Real-IP` header), or to anyone sending
//! `Authorization: Bearer <EXO_METRICS_TOKEN>`; others get 403.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;

use super::state::AppState;
use crate::api::{ApiError, TrainingStatus};
use crate::domain::ErrorCode;

pub const HTTP_REQUEST_DURATION: &str = "exo_http_request_duration_seconds";
pub const REJECTED_REQUESTS: &str = "exo_rejected_requests_total";
pub const TRAINING_DURATION: &str = "exo_training_duration_seconds";
pub const TRAINING_QUEUE_DEPTH: &str = "exo_training_queue_depth";
pub const TRAININGS_RUNNING: &str = "exo_trainings_running";
pub const TRAININGS_KEPT: &str = "exo_trainings_kept";
pub const TRAINING_WORKERS_ALIVE: &str = "exo_training_workers_alive";
pub const HEAVY_READS: &str = "exo_heavy_reads_total";

const HTTP_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];
const TRAINING_BUCKETS: &[f64] = &[0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's recorder (once; later calls return the same handle). `None` when
/// another recorder was installed first: metrics are then not served.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(HTTP_REQUEST_DURATION.into()), HTTP_BUCKETS)
                .and_then(|b| b.set_buckets_for_metric(Matcher::Full(TRAINING_DURATION.into()), TRAINING_BUCKETS))
                .and_then(|b| b.install_recorder());
            match installed {
                Ok(handle) => {
                    describe();
                    // Histogram samples are buffered until drained; drain them even when
                    // nobody scrapes, so memory stays flat.
                    let upkeep = handle.clone();
                    let _ = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || loop {
                        std::thread::sleep(Duration::from_secs(5));
                        upkeep.run_upkeep();
                    });
                    Some(handle)
                }
                Err(error) => {
                    tracing::error!(%error, "metrics recorder not installed; /metrics is unavailable");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    ::metrics::describe_histogram!(
        HTTP_REQUEST_DURATION,
        ::metrics::Unit::Seconds,
        "Time to answer an HTTP request (until the response headers), by route pattern, method and status."
    );
    ::metrics::describe_counter!(
        HEAVY_READS,
        "Heavy reads (predicting or explaining many objects), by what they read and whether they were computed or answered from a kept answer."
    );
    ::metrics::describe_counter!(REJECTED_REQUESTS, "Requests answered with an error, by error code (invalid_request, queue_full, too_large, overloaded, timeout, ...).");
    ::metrics::describe_histogram!(
        TRAINING_DURATION,
        ::metrics::Unit::Seconds,
        "Wall-clock time of finished trainings in this process, by outcome."
    );
    ::metrics::describe_gauge!(
        TRAINING_QUEUE_DEPTH,
        "Trainings waiting for a worker (all processes sharing the store)."
    );
    ::metrics::describe_gauge!(TRAININGS_RUNNING, "Trainings running (all processes sharing the store).");
    ::metrics::describe_gauge!(TRAININGS_KEPT, "Finished trainings kept in the store, by outcome.");
    ::metrics::describe_gauge!(TRAINING_WORKERS_ALIVE, "Training workers of this process whose loop is running.");
}

/// Counts a request answered with an error; `reason` is the error's code (a small fixed set).
/// A heavy read of `kind` answered: `computed` true when it was computed, false when kept.
pub fn heavy_read(kind: &'static str, computed: bool) {
    ::metrics::counter!(HEAVY_READS, "kind" => kind, "answer" => if computed { "computed" } else { "kept" })
        .increment(1);
}

pub fn rejected(reason: &str) {
    ::metrics::counter!(REJECTED_REQUESTS, "reason" => reason.to_string()).increment(1);
}

/// Records a finished training: `status` is `completed`, `failed` or `cancelled`, `seconds`
/// its time from start to end. Called by the job runner when it records an outcome.
pub fn training_finished(status: &str, seconds: f64) {
    ::metrics::histogram!(TRAINING_DURATION, "status" => status.to_string()).record(seconds);
}

/// Middleware: the time to answer each request, labelled with the route *pattern*
/// (`/api/v1/trainings/{id}`, never the id itself) so the number of series stays bounded.
pub async fn track_http(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = match *request.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::DELETE => "DELETE",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let route = match request.extensions().get::<MatchedPath>().map(MatchedPath::as_str) {
        Some(path) if path.starts_with("/pkg") => "/pkg".to_string(),
        Some(path) => path.to_string(),
        // Static files from the site root and unknown pages.
        None => "fallback".to_string(),
    };
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    ::metrics::histogram!(HTTP_REQUEST_DURATION, "route" => route, "method" => method, "status" => status)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`: the Prometheus text format.
pub async fn scrape(State(state): State<AppState>, request: Request) -> Response {
    if !may_scrape(state.config.metrics_token.as_deref(), &request) {
        return ApiError::new(
            ErrorCode::Forbidden,
            "Metrics are served to local clients, or with 'Authorization: Bearer' and the EXO_METRICS_TOKEN value.",
        )
        .into_response();
    }
    let Some(handle) = install() else {
        return ApiError::new(ErrorCode::Internal, "Metrics are unavailable; the server log says why.").into_response();
    };
    let store = state.store.clone();
    if let Ok(Ok(sessions)) = tokio::task::spawn_blocking(move || store.list()).await {
        let count = |status: TrainingStatus| sessions.iter().filter(|s| s.status == status).count() as f64;
        ::metrics::gauge!(TRAINING_QUEUE_DEPTH).set(count(TrainingStatus::Queued));
        ::metrics::gauge!(TRAININGS_RUNNING).set(count(TrainingStatus::Running));
        for status in [TrainingStatus::Completed, TrainingStatus::Failed, TrainingStatus::Cancelled] {
            ::metrics::gauge!(TRAININGS_KEPT, "status" => status.as_str()).set(count(status));
        }
    }
    ::metrics::gauge!(TRAINING_WORKERS_ALIVE).set(state.jobs.workers_alive() as f64);
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

/// A loopback peer that is not a proxy forwarding someone else, or the right bearer token.
/// The peer address is there when the server was started with
/// `into_make_service_with_connect_info` (as `serve` does); without it, only the token works.
fn may_scrape(token: Option<&str>, request: &Request) -> bool {
    let headers = request.headers();
    if let Some(expected) = token.filter(|t| !t.is_empty()) {
        let given = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if given.is_some_and(|given| tokens_match(given, expected)) {
            return true;
        }
    }
    let loopback = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|peer| peer.0.ip().to_canonical().is_loopback());
    let forwarded = ["forwarded", "x-forwarded-for", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
    loopback && !forwarded
}

/// Compares in time that depends on the lengths only, not on where the tokens differ.
fn tokens_match(given: &str, expected: &str) -> bool {
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: Option<&str>, headers: &[(&str, &str)]) -> Request {
        let mut builder = axum::http::Request::builder().uri("/metrics");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder.body(axum::body::Body::empty()).unwrap();
        if let Some(peer) = peer {
            request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        }
        request
    }

    #[test]
    fn loopback_or_the_token_may_scrape() {
        assert!(may_scrape(None, &request(Some("127.0.0.1:5000"), &[])));
        assert!(may_scrape(None, &request(Some("[::1]:5000"), &[])));
        assert!(may_scrape(None, &request(Some("[::ffff:127.0.0.1]:5000"), &[])));
        assert!(!may_scrape(None, &request(Some("192.0.2.7:5000"), &[])));
        assert!(!may_scrape(None, &request(None, &[])));
        assert!(
            !may_scrape(None, &request(Some("127.0.0.1:5000"), &[("x-forwarded-for", "192.0.2.7")])),
            "a local proxy forwarding a remote client"
        );
        assert!(may_scrape(Some("s3cret"), &request(Some("192.0.2.7:5000"), &[("authorization", "Bearer s3cret")])));
        assert!(!may_scrape(Some("s3cret"), &request(Some("192.0.2.7:5000"), &[("authorization", "Bearer s3cre")])));
        assert!(!may_scrape(Some("s3cret"), &request(Some("192.0.2.7:5000"), &[("authorization", "Basic s3cret")])));
        assert!(
            !may_scrape(Some(""), &request(Some("192.0.2.7:5000"), &[("authorization", "Bearer ")])),
            "an empty token opens nothing"
        );
    }
}
