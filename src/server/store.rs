//! Training sessions and their results, behind an interface so the in-memory store can be
//! replaced by a database without touching callers.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use uuid::Uuid;

use crate::api::{TrainRequest, TrainingResult, TrainingStatus};

#[derive(Debug, Clone)]
pub struct TrainingSession {
    pub id: Uuid,
    pub request: TrainRequest,
    pub status: TrainingStatus,
    /// 0–100.
    pub progress: f64,
    pub step: String,
    pub error: Option<String>,
    pub created_at: u64,
    pub started_at: Option<u64>,
    pub finished_at: Option<u64>,
    pub result: Option<Arc<TrainingResult>>,
}

impl TrainingSession {
    pub fn queued(id: Uuid, request: TrainRequest) -> Self {
        TrainingSession {
            id,
            request,
            status: TrainingStatus::Queued,
            progress: 0.0,
            step: "Waiting for a free training slot".into(),
            error: None,
            created_at: now_ms(),
            started_at: None,
            finished_at: None,
            result: None,
        }
    }
}

pub trait SessionStore: Send + Sync {
    fn insert(&self, session: TrainingSession);
    fn get(&self, id: &Uuid) -> Option<TrainingSession>;
    /// Applies `change` to the session, if it exists.
    fn update(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession));
}

/// Sessions in memory: lost on restart (persistence is the database store's job).
#[derive(Default)]
pub struct MemoryStore {
    sessions: RwLock<HashMap<Uuid, TrainingSession>>,
}

impl SessionStore for MemoryStore {
    fn insert(&self, session: TrainingSession) {
        self.sessions.write().unwrap_or_else(|e| e.into_inner()).insert(session.id, session);
    }

    fn get(&self, id: &Uuid) -> Option<TrainingSession> {
        self.sessions.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    fn update(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession)) {
        if let Some(s) = self.sessions.write().unwrap_or_else(|e| e.into_inner()).get_mut(id) {
            change(s);
        }
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
