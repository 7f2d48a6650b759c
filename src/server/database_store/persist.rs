//! Writing sessions (a result they carry goes to its own table first) and reading results
//! through a small in-memory cache of the most recently used.

use std::sync::Arc;

use uuid::Uuid;

use super::rows::{session_from_row, session_row};
use super::DatabaseStore;
use crate::api::{TrainingResult, TrainingStatus};
use crate::server::database::Blob;
use crate::server::store::{StoreResult, TrainingSession};

/// Results kept in memory besides the database (the most recently read or written).
const CACHED_RESULTS: usize = 6;

impl DatabaseStore {
    fn cache(&self, id: Uuid, result: Arc<TrainingResult>) {
        let mut cache = self.results.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(i, _)| *i != id);
        cache.push_front((id, result));
        cache.truncate(CACHED_RESULTS);
    }

    pub(super) fn result(&self, id: &Uuid) -> StoreResult<Option<Arc<TrainingResult>>> {
        if let Some((_, r)) = self.results.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(i, _)| i == id) {
            return Ok(Some(r.clone()));
        }
        let Some(json) = self.db.get_blob(Blob::Result, id.to_string())? else { return Ok(None) };
        match serde_json::from_str::<TrainingResult>(&json) {
            Ok(r) => {
                let r = Arc::new(r);
                self.cache(*id, r.clone());
                Ok(Some(r))
            }
            Err(error) => {
                tracing::error!(%id, %error, "stored result unreadable");
                Ok(None)
            }
        }
    }

    /// Persists a session; a result it carries goes to its own table first (so a completed
    /// row never points at a missing result) and is not kept on the session.
    pub(super) fn persist(&self, s: &mut TrainingSession, durable: bool) -> StoreResult<()> {
        if let Some(result) = s.result.take() {
            match serde_json::to_string(&*result) {
                Ok(json) => self.db.put_blob(Blob::Result, s.id.to_string(), json, None)?,
                Err(error) => tracing::error!(id = %s.id, %error, "result not serialisable"),
            }
            self.cache(s.id, result);
        }
        if matches!(s.status, TrainingStatus::Cancelled | TrainingStatus::Failed) {
            // Scores it published before its explanations are not a result: none is kept.
            self.results.lock().unwrap_or_else(|e| e.into_inner()).retain(|(i, _)| *i != s.id);
            self.db.delete_blob(Blob::Result, s.id.to_string())?;
        }
        self.db.upsert_session(session_row(s), durable)
    }

    pub(super) fn read_modify_write(
        &self,
        id: &Uuid,
        change: &mut dyn FnMut(&mut TrainingSession),
        durable: bool,
    ) -> StoreResult<()> {
        let _one_at_a_time = self.updating.lock().unwrap_or_else(|e| e.into_inner());
        // Read on the writer, so queued writes of this process are seen.
        let Some(row) = self.db.session_for_update(id.to_string())? else { return Ok(()) };
        let Some(mut s) = session_from_row(&row) else { return Ok(()) };
        change(&mut s);
        self.persist(&mut s, durable)
    }
}
