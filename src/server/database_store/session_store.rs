//! [`SessionStore`] over the database: sessions, documents and uploads, the queue (claim,
//! heartbeat, put back, cancel, recover), and the sweeps of orphaned documents.

use uuid::Uuid;

use super::rows::{session_from_row, session_row};
use super::DatabaseStore;
use crate::api::TrainingStatus;
use crate::domain::DecisionThreshold;
use crate::server::database::{Blob, StaleOutcome, UploadMeta};
use crate::server::store::{
    now_ms, AdmissionRule, OwnerId, SessionStore, Share, StoreResult, StoredUpload, TrainingSession,
};

/// An upload no training refers to is removed once it is this old (a request being
/// checked refers to its upload within seconds).
const ORPHAN_UPLOAD_AGE_MS: u64 = 10 * 60 * 1000;

impl SessionStore for DatabaseStore {
    fn insert(&self, mut session: TrainingSession) -> StoreResult<()> {
        self.persist(&mut session, true)
    }

    fn admit(
        &self,
        session: TrainingSession,
        window_start_ms: u64,
        rule: AdmissionRule,
    ) -> StoreResult<Result<(), crate::api::ApiError>> {
        self.db.admit_training(session_row(&session), window_start_ms as i64, now_ms() as i64, rule)
    }

    fn get(&self, id: &Uuid) -> StoreResult<Option<TrainingSession>> {
        let Some(row) = self.db.session(id.to_string())? else { return Ok(None) };
        let Some(mut s) = session_from_row(&row) else {
            tracing::error!(%id, "unreadable session row");
            return Ok(None);
        };
        // A running training has a result once its scores are published (its headline
        // is set then), before its explanations.
        if s.status == TrainingStatus::Completed || (s.status == TrainingStatus::Running && s.headline.is_some()) {
            s.result = self.result(id)?;
        }
        Ok(Some(s))
    }

    fn status(&self, id: &Uuid) -> StoreResult<Option<TrainingSession>> {
        Ok(self.db.session(id.to_string())?.as_ref().and_then(session_from_row))
    }

    fn update(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession)) {
        if let Err(error) = self.read_modify_write(id, change, false) {
            tracing::warn!(%id, %error, "progress not saved");
        }
    }

    fn finish(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession)) -> StoreResult<()> {
        self.read_modify_write(id, change, true)
    }

    fn list(&self) -> StoreResult<Vec<TrainingSession>> {
        Ok(self.db.sessions()?.iter().filter_map(session_from_row).collect())
    }

    fn list_owned(&self, owner: &OwnerId) -> StoreResult<Vec<TrainingSession>> {
        Ok(self.db.sessions_of(owner.to_string())?.iter().filter_map(session_from_row).collect())
    }

    fn set_share(&self, id: &Uuid, share: Option<Share>) -> StoreResult<()> {
        self.db.set_share(id.to_string(), share.as_ref().map(|s| s.by.clone()), share.is_some_and(|s| s.include_rows))
    }

    fn set_threshold(&self, id: &Uuid, threshold: Option<DecisionThreshold>) -> StoreResult<()> {
        self.db.set_threshold(id.to_string(), threshold.and_then(|t| serde_json::to_string(&t).ok()))
    }

    fn adopt(&self, from: &OwnerId, to: &OwnerId) -> StoreResult<u64> {
        self.db.adopt(from.to_string(), to.to_string())
    }

    fn upload_bytes_since(&self, owner: &OwnerId, since_ms: u64) -> StoreResult<u64> {
        self.db.upload_bytes_since(owner.to_string(), since_ms as i64)
    }

    fn delete(&self, id: &Uuid) -> StoreResult<bool> {
        let existed = self.db.session(id.to_string())?.is_some();
        self.remove_uploads(id);
        self.results.lock().unwrap_or_else(|e| e.into_inner()).retain(|(i, _)| i != id);
        self.db.delete(id.to_string())?;
        Ok(existed)
    }

    fn save_model(&self, id: &Uuid, json: &str) -> StoreResult<()> {
        self.db.put_blob(Blob::Model, id.to_string(), json.to_string(), None)
    }

    fn model(&self, id: &Uuid) -> StoreResult<Option<String>> {
        self.db.get_blob(Blob::Model, id.to_string())
    }

    fn save_upload(&self, id: &Uuid, upload: &StoredUpload) -> StoreResult<()> {
        let meta = UploadMeta {
            name: upload.name.clone(),
            created_at: now_ms() as i64,
            owner: upload.owner.map(|o| o.to_string()),
            principal: upload.principal.clone(),
        };
        self.db.put_blob(Blob::Upload, id.to_string(), upload.text.clone(), Some(meta))
    }

    fn upload(&self, id: &Uuid) -> StoreResult<Option<String>> {
        self.db.get_blob(Blob::Upload, id.to_string())
    }

    fn remove_uploads(&self, id: &Uuid) -> u64 {
        let Ok(Some(s)) = self.db.session(id.to_string()).map(|row| row.as_ref().and_then(session_from_row)) else {
            return 0;
        };
        let Some(files) = s.upload else { return 0 };
        std::iter::once(files.train_id)
            .chain(files.test_id)
            .filter_map(|stored| Uuid::parse_str(&stored).ok())
            .map(|stored| self.db.delete_blob(Blob::Upload, stored.to_string()).unwrap_or(0))
            .sum()
    }

    fn remove_upload(&self, id: &Uuid) {
        if let Err(error) = self.db.delete_blob(Blob::Upload, id.to_string()) {
            tracing::warn!(%id, %error, "a refused upload could not be removed now; the orphan sweep will");
        }
    }

    fn disk_bytes(&self) -> StoreResult<u64> {
        self.db.size_bytes()
    }

    fn expire_anonymous(&self, cutoff_ms: u64) -> usize {
        let ids = match self.db.expired_anonymous_work(cutoff_ms as i64) {
            Ok(ids) => ids,
            Err(error) => {
                tracing::warn!(%error, "expired anonymous work not checked");
                return 0;
            }
        };
        let removed =
            ids.iter().filter_map(|id| Uuid::parse_str(id).ok()).filter(|id| self.delete(id).unwrap_or(false)).count();
        if let Err(error) = self.db.forget_idle_owners(cutoff_ms as i64) {
            tracing::warn!(%error, "idle owners not forgotten");
        }
        removed
    }

    fn prune_usage(&self, before_ms: u64) {
        if let Err(error) = self.db.prune_usage(before_ms as i64) {
            tracing::warn!(%error, "old usage events not pruned");
        }
    }

    fn flush(&self) {
        self.db.flush();
    }

    fn ping(&self) -> StoreResult<()> {
        self.db.ping()
    }

    fn clean_orphans(&self) {
        match self.db.remove_orphan_uploads(now_ms().saturating_sub(ORPHAN_UPLOAD_AGE_MS) as i64) {
            Ok(ids) if !ids.is_empty() => {
                tracing::info!(count = ids.len(), "removed uploaded tables no training refers to")
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "orphaned uploads not checked"),
        }
        match self.db.remove_orphan_documents() {
            Ok(n) if n > 0 => tracing::info!(count = n, "removed models and results whose training is gone"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "orphaned models not checked"),
        }
        match self.db.completed_without_model() {
            Ok(ids) if !ids.is_empty() => {
                tracing::warn!(count = ids.len(), first = %ids[0], "completed trainings without a stored model: their results stay readable, downloads answer 404")
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "models not checked"),
        }
    }

    fn claim_next(&self, running_limit: usize) -> StoreResult<Option<TrainingSession>> {
        let Some(row) = self.db.claim_next(self.owner.clone(), now_ms() as i64, running_limit.max(1) as i64)? else {
            return Ok(None);
        };
        let s = session_from_row(&row);
        if s.is_none() {
            tracing::error!(id = row.id, "claimed an unreadable session");
        }
        Ok(s)
    }

    fn heartbeat(&self, id: &Uuid) -> bool {
        self.db.heartbeat(id.to_string(), self.owner.clone()).unwrap_or(false)
    }

    fn put_back(&self, id: &Uuid) -> bool {
        self.db.put_back(id.to_string(), self.owner.clone()).unwrap_or(false)
    }

    fn request_cancel(&self, id: &Uuid) -> StoreResult<bool> {
        self.db.request_cancel(id.to_string(), now_ms() as i64)
    }

    fn recover_stale(&self, max_attempts: u32) -> usize {
        let recovered =
            self.db.recover_stale(self.stale_after_ms, max_attempts as i64, now_ms() as i64).unwrap_or_default();
        for (id, outcome) in &recovered {
            match outcome {
                StaleOutcome::Requeued => {
                    tracing::warn!(%id, "training interrupted (its server process stopped); queued to run again")
                }
                StaleOutcome::Failed => {
                    tracing::error!(%id, max_attempts, "training interrupted on every attempt; marked failed")
                }
                StaleOutcome::Cancelled => {
                    tracing::info!(%id, "training interrupted while being cancelled; marked cancelled")
                }
            }
        }
        recovered.len()
    }
}
