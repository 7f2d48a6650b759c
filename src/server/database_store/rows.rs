//! A training session to and from its stored row (request, headline and status as JSON text).

use uuid::Uuid;

use crate::server::database::SessionRow;
use crate::server::store::{OwnerId, Share, TrainingSession};

pub(super) fn session_row(s: &TrainingSession) -> SessionRow {
    SessionRow {
        id: s.id.to_string(),
        request: serde_json::to_string(&s.request).unwrap_or_default(),
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
    }
}

pub(super) fn session_from_row(r: &SessionRow) -> Option<TrainingSession> {
    Some(TrainingSession {
        id: Uuid::parse_str(&r.id).ok()?,
        request: serde_json::from_str(&r.request).ok()?,
        status: serde_json::from_value(serde_json::Value::String(r.status.clone())).ok()?,
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
    })
}
