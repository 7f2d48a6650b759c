//! The browser side of security, checked before anything else runs:
//! - the `Host` a request is addressed to must be one of `EXO_ALLOWED_HOSTS` (else 421):
//!   a DNS-rebinding page reaches a loopback server under its own name and is refused;
//! - a state-changing request (any method but GET, HEAD, OPTIONS) that names an origin
//!   (`Origin`, else `Referer`) must come from this same site (else 403): another site's
//!   page cannot post trainings or cancels with the visitor's cookies. Scripts (curl, the
//!   Python client) send neither header and are let through; browsers always send `Origin`
//!   on a cross-site POST;
//! - a server function refuses `text/plain` (and any body type it does not read), the one
//!   body a cross-site form could send without a CORS preflight (415).

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::AppState;
use crate::api::error::shorten;
use crate::api::ApiError;
use crate::domain::ErrorCode;

pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match verdict(&state.config.access, &request) {
        Ok(()) => next.run(request).await,
        Err(error) => {
            tracing::info!(code = error.code.as_str(), path = request.uri().path(), "foreign request refused");
            error.into_response()
        }
    }
}

/// The host a request is addressed to: the `Host` header (HTTP/1.1) or the URI's authority
/// (HTTP/2).
fn host(request: &Request) -> Option<String> {
    request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()))
}

pub fn verdict(settings: &super::access_settings::AccessSettings, request: &Request) -> Result<(), ApiError> {
    let host = host(request).unwrap_or_default();
    if !settings.allows_host(&host) {
        return Err(ApiError::new(
            ErrorCode::Misdirected,
            format!("This server does not answer to the host '{}'. Its operator lists the names it answers to in EXO_ALLOWED_HOSTS.", shorten(&host)),
        ));
    }
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe {
        return Ok(());
    }
    let origin = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let referer = request.headers().get(header::REFERER).and_then(|v| v.to_str().ok());
    let claimed = match (origin, referer) {
        (Some(origin), _) => Some(origin),
        (None, Some(referer)) => Some(referer),
        (None, None) => None,
    };
    if let Some(claimed) = claimed {
        if site_of(claimed).as_deref() != Some(host.to_ascii_lowercase().as_str()) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!(
                    "Requests that change something must come from this site's own pages; this one came from '{}'.",
                    shorten(claimed)
                ),
            ));
        }
    }
    let path = request.uri().path();
    if path.starts_with("/api/") && !path.starts_with("/api/v1/") {
        let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !matches!(
            essence.as_str(),
            "application/json" | "application/x-www-form-urlencoded" | "multipart/form-data" | "application/cbor"
        ) {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                format!(
                    "This server function reads JSON or a form, not '{}'.",
                    shorten(if essence.is_empty() { "no content type" } else { &essence })
                ),
            ));
        }
    }
    Ok(())
}

/// `https://example.org:8443/path` → `example.org:8443` (lowercase); `null` and anything
/// unparsable → none.
fn site_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    (!authority.is_empty()).then(|| authority.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::access_settings::AccessSettings;
    use axum::body::Body;

    fn request(method: Method, path: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = axum::http::Request::builder().method(method).uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn foreign_hosts_origins_and_plain_text_are_refused() {
        let s = AccessSettings::default();
        let ok = |r: Request| verdict(&s, &r).map_err(|e| e.code);
        assert_eq!(ok(request(Method::GET, "/", &[("host", "127.0.0.1:3000")])), Ok(()));
        assert_eq!(ok(request(Method::GET, "/", &[("host", "rebind.example:3000")])), Err(ErrorCode::Misdirected));
        let post = |headers: &[(&str, &str)]| ok(request(Method::POST, "/api/v1/trainings", headers));
        assert_eq!(post(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]), Ok(()));
        assert_eq!(post(&[("host", "127.0.0.1:3000"), ("origin", "http://evil.example")]), Err(ErrorCode::Forbidden));
        assert_eq!(post(&[("host", "127.0.0.1:3000"), ("origin", "null")]), Err(ErrorCode::Forbidden));
        assert_eq!(
            post(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3001")]),
            Err(ErrorCode::Forbidden),
            "another port is another site"
        );
        assert_eq!(post(&[("host", "127.0.0.1:3000"), ("referer", "http://127.0.0.1:3000/train")]), Ok(()));
        assert_eq!(post(&[("host", "127.0.0.1:3000")]), Ok(()), "scripts send no origin");
        let server_fn = |ct: &str| {
            ok(request(Method::POST, "/api/cancel_training", &[("host", "127.0.0.1:3000"), ("content-type", ct)]))
        };
        assert_eq!(server_fn("text/plain"), Err(ErrorCode::UnsupportedMediaType));
        assert_eq!(server_fn("application/json"), Ok(()));
        assert_eq!(server_fn("application/x-www-form-urlencoded; charset=utf-8"), Ok(()));
        assert_eq!(shorten(&"x".repeat(500)).chars().count(), 58);
    }
}
