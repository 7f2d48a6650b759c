//! Cross-cutting HTTP concerns, as tower layers around every route: request ids, one log
//! line per request, security and cache headers, compression, a global limit on requests in
//! flight (excess ones refused at once with 503 and `Retry-After`) and a time limit per
//! request. Handlers contain none of this.

use std::path::PathBuf;
use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Router};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::config::Config;
use super::state::AppState;
use crate::api::ApiError;
use crate::domain::ErrorCode;

/// Wraps every route of `router` (pages, JSON API, server functions, static files, the
/// fallback) in the layers above. Outermost first: a request gets its id before it is
/// logged, and is counted in the HTTP metrics even when it is refused.
pub fn with_layers(router: Router<AppState>, config: &Config) -> Router<AppState> {
    let timeout = Duration::from_secs(config.request_timeout_s);
    let timeout_s = config.request_timeout_s;
    let default_policy = HeaderValue::from_str(&content_security_policy(None)).expect("the policy is ASCII");
    router.layer(
        ServiceBuilder::new()
            // `x-request-id`: the client's, or a new UUID; echoed on the response.
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            // One line per request (method, path, status, latency), and every line logged
            // while it is handled carries its request id.
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &axum::extract::Request| {
                        let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                        tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                    })
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::x_request_id())
            // Pages set their own policy, with the nonce of their inline scripts (see
            // `page_security_policy`); everything else gets the same policy without one.
            .layer(SetResponseHeaderLayer::if_not_present(CONTENT_SECURITY_POLICY, default_policy))
            .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
            // Same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with a
            // plain form post, which the origin check refuses, and the forms that work without
            // JavaScript could not be submitted. Other sites still get no referrer.
            .layer(SetResponseHeaderLayer::overriding(REFERRER_POLICY, HeaderValue::from_static("same-origin")))
            .layer(SetResponseHeaderLayer::overriding(X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
            // Pages and API answers are per user and change all the time; `/pkg` sets its own.
            .layer(SetResponseHeaderLayer::if_not_present(CACHE_CONTROL, HeaderValue::from_static("no-store")))
            // Brotli or gzip, whichever the client prefers. Quality 4 keeps on-the-fly
            // compression cheap (brotli's default, 11, costs ~100x more CPU for a few %);
            // the front end's big files are precompressed at the best quality instead.
            // Already-encoded responses (precompressed files) are left alone.
            .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
            .layer(axum::middleware::from_fn(super::metrics::track_http))
            // Turns the limits' errors into JSON answers (503 with `Retry-After`).
            .layer(HandleErrorLayer::new(move |error: BoxError| async move { refused(error, timeout_s) }))
            // Beyond the limit, refuse at once rather than queue without bound.
            .load_shed()
            .layer(GlobalConcurrencyLimitLayer::new(config.max_concurrent_requests))
            .timeout(timeout)
            // A body that pauses past the grace period, or trickles below the minimum rate,
            // fails its read at once: the request ends and frees its slot (see
            // fairness::body_rate).
            .layer(axum::middleware::from_fn_with_state(config.fairness, super::fairness::body_rate::enforce))
            .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(config.fairness.body_grace_s))),
    )
}

/// The answer for a request the limits stopped.
fn refused(error: BoxError, timeout_s: u64) -> Response {
    if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            ErrorCode::Overloaded,
            "The server is handling as many requests as it can (EXO_MAX_CONCURRENT_REQUESTS); try again in a moment.",
        )
        .with_setting("EXO_MAX_CONCURRENT_REQUESTS")
        .into_response()
    } else if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(
            ErrorCode::Timeout,
            format!("The request took longer than the limit of {timeout_s} s (EXO_REQUEST_TIMEOUT_S)."),
        )
        .with_setting("EXO_REQUEST_TIMEOUT_S")
        .into_response()
    } else {
        tracing::error!(%error, "request failed in a middleware layer");
        ApiError::new(ErrorCode::Internal, "The request could not be handled.").into_response()
    }
}

/// The front end's files (`/pkg`): precompressed `.br` / `.gz` variants when the client
/// takes them (see [`super::static_files`]).
///
/// Cache policy: `no-cache` with `Last-Modified` revalidation (a 304 when unchanged), not
/// `immutable`. A year-long `immutable` is only safe for content-hashed names, and
/// cargo-leptos's `hash-files` does not give them reliably here: the shell learns the hashed
/// names from a `hash.txt` that Leptos reads next to the *running executable*, and only
/// when `LEPTOS_HASH_FILES=true` is set (cargo-leptos sets it for the servers it starts).
/// A server started by hand or by the tests (`target/debug/exoplanet-playground`, or a test
/// binary in `target/debug/deps`, with `LEPTOS_SITE_ROOT`/`LEPTOS_OUTPUT_NAME` only) would
/// then link `/pkg/exoplanet-playground.js` while only hashed files exist, and the page
/// would not hydrate (and `app.rs` links the style sheet by its unhashed name). With revalidation a returning visitor still downloads nothing that
/// did not change (one small request per file).
pub fn pkg_service(pkg_dir: PathBuf) -> SetResponseHeader<ServeDir, HeaderValue> {
    ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip())
}

/// The Content-Security-Policy: only the app's own scripts, styles, images and connections;
/// WebAssembly compilation (`'wasm-unsafe-eval'`); inline scripts only with this response's
/// `nonce` (Leptos's hydration and streaming scripts carry it); no framing, plugins or
/// `<base>`. Inline *style attributes* are allowed (`'unsafe-inline'` in `style-src`): the
/// server-rendered charts and bars size themselves with `style="width: …"`; styles cannot
/// run code.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    // `cargo leptos watch` reloads the page through a WebSocket on its own port.
    let connect = if std::env::var_os("LEPTOS_WATCH").is_some() { "'self' ws: wss:" } else { "'self'" };
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Sets this page's Content-Security-Policy with the nonce Leptos generated for its inline
/// scripts. Call while rendering the shell on the server.
pub fn page_security_policy() {
    use leptos::prelude::use_context;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(nonce.as_deref())) {
        response.insert_header(CONTENT_SECURITY_POLICY, policy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_wasm_and_nonced_scripts_only() {
        let policy = content_security_policy(Some("abc"));
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
        assert!(!content_security_policy(None).contains("nonce"));
    }
}
