//! Request bodies must keep arriving: a body that pauses longer than `EXO_BODY_GRACE_S`
//! between parts is cut off by tower-http's body timeout (the serving layers), and one that
//! trickles (a byte every few seconds, under a large `Content-Length`) by [`MinimumRate`]:
//! after the grace period it must have delivered `EXO_MIN_BODY_RATE_KB_S` per second since
//! it began, or reading it fails at once. Either way the request ends and frees its slot
//! within seconds instead of holding it for the whole request timeout.
//!
//! No maintained layer enforces a minimum rate (tower-http times out the wait between frames,
//! which a trickle defeats); this wrapper is the part it lacks, and it only counts bytes.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Body as HttpBody, Frame, SizeHint};

use super::FairnessSettings;
use crate::api::ApiError;
use crate::domain::ErrorCode;

/// The error a too-slow body fails with (found again by [`slow_body_in`]).
#[derive(Debug)]
pub struct SlowBody {
    pub received: u64,
    pub seconds: u64,
    pub min_rate_kb_s: u64,
}

impl std::fmt::Display for SlowBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the request body arrived too slowly ({} bytes in {} s; at least {} KB/s is required, EXO_MIN_BODY_RATE_KB_S)",
            self.received, self.seconds, self.min_rate_kb_s
        )
    }
}

impl std::error::Error for SlowBody {}

/// A body that fails when it falls below the minimum rate after the grace period.
pub struct MinimumRate {
    inner: Body,
    started: Instant,
    received: u64,
    min_rate_bytes_s: u64,
    grace: Duration,
}

impl HttpBody for MinimumRate {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                self.received += data.len() as u64;
            }
            let elapsed = self.started.elapsed();
            if let Some(judged) = elapsed.checked_sub(self.grace) {
                let owed = (self.min_rate_bytes_s as f64 * judged.as_secs_f64()) as u64;
                if self.received < owed {
                    return Poll::Ready(Some(Err(axum::Error::new(SlowBody {
                        received: self.received,
                        seconds: elapsed.as_secs(),
                        min_rate_kb_s: self.min_rate_bytes_s / 1024,
                    }))));
                }
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The middleware: every request body is read at the minimum rate or not at all.
pub async fn enforce(State(f): State<FairnessSettings>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = Body::new(MinimumRate {
        inner: body,
        started: Instant::now(),
        received: 0,
        min_rate_bytes_s: f.min_body_rate_bytes_s,
        grace: Duration::from_secs(f.body_grace_s),
    });
    next.run(Request::from_parts(parts, body)).await
}

/// The answer for a body read that failed because it was too slow (a trickle, or a pause
/// past the grace period), if that is why: 408 naming the setting.
pub fn slow_body_in(error: &(dyn std::error::Error + 'static)) -> Option<ApiError> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(slow) = e.downcast_ref::<SlowBody>() {
            return Some(
                ApiError::new(ErrorCode::SlowBody, format!("Refused: {slow}.")).with_setting("EXO_MIN_BODY_RATE_KB_S"),
            );
        }
        if e.downcast_ref::<tower_http::timeout::TimeoutError>().is_some() {
            return Some(
                ApiError::new(
                    ErrorCode::SlowBody,
                    "Refused: the request body paused for longer than the server waits between its parts (EXO_BODY_GRACE_S).",
                )
                .with_setting("EXO_BODY_GRACE_S"),
            );
        }
        current = e.source();
    }
    None
}
