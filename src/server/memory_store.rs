//! Sessions in memory only: lost on restart. For tests of the job runner and retention.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, RwLock};

use uuid::Uuid;

use super::store::{newest_first, now_ms, OwnerId, SessionStore, Share, StoreResult, StoredUpload, TrainingSession};
use crate::api::TrainingStatus;

#[derive(Default)]
pub struct MemoryStore {
    sessions: RwLock<HashMap<Uuid, TrainingSession>>,
    models: RwLock<HashMap<Uuid, String>>,
    uploads: RwLock<HashMap<Uuid, (StoredUpload, u64)>>,
    cancel_requested: Mutex<HashSet<Uuid>>,
}

impl SessionStore for MemoryStore {
    fn set_share(&self, id: &Uuid, share: Option<Share>) -> StoreResult<()> {
        if let Some(s) = self.sessions.write().unwrap_or_else(|e| e.into_inner()).get_mut(id) {
            s.share = share;
        }
        Ok(())
    }

    fn set_threshold(&self, id: &Uuid, threshold: Option<crate::domain::DecisionThreshold>) -> StoreResult<()> {
        if let Some(s) = self.sessions.write().unwrap_or_else(|e| e.into_inner()).get_mut(id) {
            s.threshold = threshold;
        }
        Ok(())
    }

    fn adopt(&self, from: &OwnerId, to: &OwnerId) -> StoreResult<u64> {
        let mut moved = 0;
        for s in self
            .sessions
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .values_mut()
            .filter(|s| s.owner.as_ref() == Some(from))
        {
            s.owner = Some(*to);
            moved += 1;
        }
        for (u, _) in self
            .uploads
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .values_mut()
            .filter(|(u, _)| u.owner.as_ref() == Some(from))
        {
            u.owner = Some(*to);
        }
        Ok(moved)
    }

    fn upload_bytes_since(&self, owner: &OwnerId, since_ms: u64) -> StoreResult<u64> {
        let uploads = self.uploads.read().unwrap_or_else(|e| e.into_inner());
        Ok(uploads
            .values()
            .filter(|(u, at)| u.owner.as_ref() == Some(owner) && *at >= since_ms)
            .map(|(u, _)| u.text.len() as u64)
            .sum())
    }

    fn claim_next(&self) -> StoreResult<Option<TrainingSession>> {
        let mut sessions = self.sessions.write().unwrap_or_else(|e| e.into_inner());
        let Some(next) =
            sessions.values_mut().filter(|s| s.status == TrainingStatus::Queued).min_by_key(|s| (s.created_at, s.id))
        else {
            return Ok(None);
        };
        next.status = TrainingStatus::Running;
        next.started_at = Some(now_ms());
        next.step = "Starting".into();
        next.attempts += 1;
        // Scores published early by an earlier attempt belong to that attempt.
        next.headline = None;
        next.result = None;
        Ok(Some(next.clone()))
    }

    fn heartbeat(&self, id: &Uuid) -> bool {
        self.cancel_requested.lock().unwrap_or_else(|e| e.into_inner()).contains(id)
    }

    fn put_back(&self, id: &Uuid) -> bool {
        let mut sessions = self.sessions.write().unwrap_or_else(|e| e.into_inner());
        match sessions.get_mut(id) {
            Some(s) if s.status == TrainingStatus::Running => {
                s.status = TrainingStatus::Queued;
                s.progress = 0.0;
                s.started_at = None;
                s.attempts = s.attempts.saturating_sub(1);
                true
            }
            _ => false,
        }
    }

    fn request_cancel(&self, id: &Uuid) -> StoreResult<bool> {
        let mut sessions = self.sessions.write().unwrap_or_else(|e| e.into_inner());
        Ok(match sessions.get_mut(id) {
            Some(s) if s.status == TrainingStatus::Queued => {
                s.status = TrainingStatus::Cancelled;
                s.step = "Cancelled".into();
                s.finished_at = Some(now_ms());
                true
            }
            Some(s) if s.status == TrainingStatus::Running => {
                self.cancel_requested.lock().unwrap_or_else(|e| e.into_inner()).insert(*id);
                true
            }
            _ => false,
        })
    }

    fn insert(&self, session: TrainingSession) -> StoreResult<()> {
        self.sessions.write().unwrap_or_else(|e| e.into_inner()).insert(session.id, session);
        Ok(())
    }

    fn get(&self, id: &Uuid) -> StoreResult<Option<TrainingSession>> {
        Ok(self.sessions.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned())
    }

    fn status(&self, id: &Uuid) -> StoreResult<Option<TrainingSession>> {
        Ok(self
            .sessions
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .map(|s| TrainingSession { result: None, ..s.clone() }))
    }

    fn update(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession)) {
        if let Some(s) = self.sessions.write().unwrap_or_else(|e| e.into_inner()).get_mut(id) {
            change(s);
        }
    }

    fn finish(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession)) -> StoreResult<()> {
        self.update(id, change);
        Ok(())
    }

    fn list(&self) -> StoreResult<Vec<TrainingSession>> {
        Ok(newest_first(
            self.sessions
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .values()
                .map(|s| TrainingSession { result: None, ..s.clone() }),
        ))
    }

    fn delete(&self, id: &Uuid) -> StoreResult<bool> {
        self.models.write().unwrap_or_else(|e| e.into_inner()).remove(id);
        Ok(self.sessions.write().unwrap_or_else(|e| e.into_inner()).remove(id).is_some())
    }

    fn save_model(&self, id: &Uuid, json: &str) -> StoreResult<()> {
        self.models.write().unwrap_or_else(|e| e.into_inner()).insert(*id, json.to_string());
        Ok(())
    }

    fn model(&self, id: &Uuid) -> StoreResult<Option<String>> {
        Ok(self.models.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned())
    }

    fn save_upload(&self, id: &Uuid, upload: &StoredUpload) -> StoreResult<()> {
        self.uploads.write().unwrap_or_else(|e| e.into_inner()).insert(*id, (upload.clone(), now_ms()));
        Ok(())
    }

    fn upload(&self, id: &Uuid) -> StoreResult<Option<String>> {
        Ok(self.uploads.read().unwrap_or_else(|e| e.into_inner()).get(id).map(|(u, _)| u.text.clone()))
    }

    fn remove_uploads(&self, _id: &Uuid) -> u64 {
        0
    }

    fn remove_upload(&self, id: &Uuid) {
        self.uploads.write().unwrap_or_else(|e| e.into_inner()).remove(id);
    }
}
