//! A training session to and from its stored row (request, headline and status as JSON text).

use uuid::Uuid;

use crate::api::TrainRequest;
use crate::server::database::SessionRow;
use crate::server::store::{OwnerId, Share, TrainingSession, UploadedFiles};

pub(super) fn session_row(s: &TrainingSession) -> SessionRow {
    SessionRow {
        id: s.id.to_string(),
        request: request_json(s),
        status: s.status.as_str().into(),
        progress: s.progress,
        step: s.step.clone(),
        error: s.error.clone(),
        headline: s.headline.as_ref().and_then(|h| serde_json::to_string(h).ok()),
        created_at: s.created_at as i64,
        started_at: s.started_at.map(|t| t as i64),
        finished_at: s.finished_at.map(|t| t as i64),
        attempts: s.attempts as i64,
        owner: s.owner.map(|o| o.to_string()),
        shared_by: s.share.as_ref().map(|share| share.by.clone()),
        share_rows: s.share.as_ref().is_some_and(|share| share.include_rows) as i64,
        decision_threshold: s.threshold.as_ref().and_then(|t| serde_json::to_string(t).ok()),
        principal: s.principal.clone(),
    }
}

/// The stored request: the client's fields and, under `"upload"`, the files the server
/// stored for it (the layout earlier versions wrote, so old rows read unchanged).
fn request_json(s: &TrainingSession) -> String {
    #[derive(serde::Serialize)]
    struct Stored<'a> {
        #[serde(flatten)]
        request: &'a TrainRequest,
        #[serde(skip_serializing_if = "Option::is_none")]
        upload: Option<&'a UploadedFiles>,
    }
    serde_json::to_string(&Stored { request: &s.request, upload: s.upload.as_ref() }).unwrap_or_default()
}

/// A stored row as a session; `None` (logged: the row is skipped, never guessed at) when a
/// column does not parse.
pub(super) fn session_from_row(r: &SessionRow) -> Option<TrainingSession> {
    let parsed = parse_row(r);
    if let Err(column) = &parsed {
        tracing::error!(id = %r.id, column, "a stored training row does not parse; it is skipped");
    }
    parsed.ok()
}

fn parse_row(r: &SessionRow) -> Result<TrainingSession, &'static str> {
    let mut request: serde_json::Value = serde_json::from_str(&r.request).map_err(|_| "request")?;
    let upload = match request.as_object_mut().and_then(|o| o.remove("upload")) {
        None | Some(serde_json::Value::Null) => None,
        Some(files) => Some(serde_json::from_value(files).map_err(|_| "request.upload")?),
    };
    Ok(TrainingSession {
        id: Uuid::parse_str(&r.id).map_err(|_| "id")?,
        request: serde_json::from_value(request).map_err(|_| "request")?,
        upload,
        status: serde_json::from_value(serde_json::Value::String(r.status.clone())).map_err(|_| "status")?,
        progress: r.progress,
        step: r.step.clone(),
        error: r.error.clone(),
        created_at: r.created_at as u64,
        started_at: r.started_at.map(|t| t as u64),
        finished_at: r.finished_at.map(|t| t as u64),
        headline: r.headline.as_deref().and_then(|h| serde_json::from_str(h).ok()),
        result: None,
        attempts: r.attempts.max(0) as u32,
        owner: r.owner.as_deref().and_then(OwnerId::parse),
        share: r.shared_by.clone().map(|by| Share { by, include_rows: r.share_rows != 0 }),
        threshold: match r.decision_threshold.as_deref() {
            None => None,
            Some(json) => Some(serde_json::from_str(json).map_err(|_| "decision_threshold")?),
        },
        principal: r.principal.clone(),
    })
}
