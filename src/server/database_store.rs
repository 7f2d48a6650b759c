//! The app's store: everything in the database (SQLite `state/exoplanet.db` by default, or
//! PostgreSQL): sessions (the queue), results, trained models and uploaded tables, so
//! server processes on different machines share nothing but `EXO_DATABASE_URL`.
//!
//! Sessions are read from the database every time, never cached: another server process
//! sharing the database may be running (and updating) any of them. Results (megabytes
//! each) are cached for the few most recently read or written.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::database::{Blob, Database, DatabaseLocation, SessionRow, StaleOutcome};
use super::store::{
    now_ms, OwnerId, SessionStore, Share, StoreResult, StoredUpload, TrainingSession, HEARTBEAT_STALE_MS,
};
use crate::api::{TrainingResult, TrainingStatus};

/// Results kept in memory besides the database (the most recently read or written).
const CACHED_RESULTS: usize = 6;
/// An upload no training refers to is removed once it is this old (a request being
/// checked refers to its upload within seconds).
const ORPHAN_UPLOAD_AGE_MS: u64 = 10 * 60 * 1000;

pub struct DatabaseStore {
    db: Arc<Database>,
    /// This process, as the owner of the sessions it claims.
    owner: String,
    /// A running session whose heartbeat is this old (database clock) has lost its process.
    stale_after_ms: i64,
    /// Read-modify-write of a session by this process, one at a time.
    updating: Mutex<()>,
    results: Mutex<VecDeque<(Uuid, Arc<TrainingResult>)>>,
}

impl DatabaseStore {
    /// Opens the store: the SQLite file in `state_dir`, or the database `database_url` names
    /// (PostgreSQL). Model and upload files an older version kept in `state_dir` are moved
    /// into the database. Sessions left running by a process that has since stopped go back
    /// to the queue once their heartbeat is stale ([`SessionStore::recover_stale`]).
    pub fn open(state_dir: &Path, database_url: Option<&str>) -> Result<DatabaseStore, String> {
        std::fs::create_dir_all(state_dir).map_err(|e| format!("cannot create {}: {e}", state_dir.display()))?;
        let location = match database_url {
            Some(url) => DatabaseLocation::Url(url.to_string()),
            None => DatabaseLocation::SqliteFile(state_dir.join("exoplanet.db")),
        };
        let db = Arc::new(Database::open(&location)?);
        let store = DatabaseStore {
            db,
            owner: Uuid::new_v4().to_string(),
            stale_after_ms: HEARTBEAT_STALE_MS as i64,
            updating: Mutex::new(()),
            results: Mutex::new(VecDeque::new()),
        };
        store.import_legacy_files(state_dir);
        store.clean_orphans();
        tracing::info!(database = location.describe(), "store opened");
        Ok(store)
    }

    /// The database itself, for what lives beside the trainings (accounts, tokens, sessions).
    pub fn database(&self) -> Arc<Database> {
        self.db.clone()
    }

    /// For tests: heartbeats count as stale after `ms` (negative: even a fresh one).
    pub fn with_stale_after_ms(mut self, ms: i64) -> Self {
        self.stale_after_ms = ms;
        self
    }

    /// `state/models/<id>.json` and `state/uploads/<id>.csv` of earlier versions: into the
    /// database, then removed. A file whose id is not ours is left alone and reported.
    fn import_legacy_files(&self, state_dir: &Path) {
        for (folder, kind) in [("models", Blob::Model), ("uploads", Blob::Upload)] {
            let Ok(entries) = std::fs::read_dir(state_dir.join(folder)) else { continue };
            for path in entries.flatten().map(|e| e.path()) {
                let id = path.file_stem().and_then(|s| s.to_str()).and_then(|s| Uuid::parse_str(s).ok());
                let (Some(id), Ok(text)) = (id, std::fs::read_to_string(&path)) else {
                    tracing::warn!(file = %path.display(), "a file in the state folder that is not one of ours; left as it is");
                    continue;
                };
                let name = (kind == Blob::Upload).then(|| "uploaded.csv".to_string());
                match self.db.put_blob(kind, id.to_string(), text, name, now_ms() as i64, None) {
                    Ok(()) => {
                        let _ = std::fs::remove_file(&path);
                        tracing::info!(file = %path.display(), "moved into the database");
                    }
                    Err(error) => {
                        tracing::error!(file = %path.display(), %error, "could not move into the database; kept")
                    }
                }
            }
        }
    }

    fn cache(&self, id: Uuid, result: Arc<TrainingResult>) {
        let mut cache = self.results.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(i, _)| *i != id);
        cache.push_front((id, result));
        cache.truncate(CACHED_RESULTS);
    }

    fn result(&self, id: &Uuid) -> StoreResult<Option<Arc<TrainingResult>>> {
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
    fn persist(&self, s: &mut TrainingSession, durable: bool) -> StoreResult<()> {
        if let Some(result) = s.result.take() {
            match serde_json::to_string(&*result) {
                Ok(json) => self.db.put_blob(Blob::Result, s.id.to_string(), json, None, 0, None)?,
                Err(error) => tracing::error!(id = %s.id, %error, "result not serialisable"),
            }
            self.cache(s.id, result);
        }
        self.db.upsert_session(session_row(s), durable)
    }

    fn read_modify_write(
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

impl SessionStore for DatabaseStore {
    fn insert(&self, mut session: TrainingSession) -> StoreResult<()> {
        self.persist(&mut session, true)
    }

    fn get(&self, id: &Uuid) -> StoreResult<Option<TrainingSession>> {
        let Some(row) = self.db.session(id.to_string())? else { return Ok(None) };
        let Some(mut s) = session_from_row(&row) else {
            tracing::error!(%id, "unreadable session row");
            return Ok(None);
        };
        if s.status == TrainingStatus::Completed {
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
        self.db.put_blob(Blob::Model, id.to_string(), json.to_string(), None, 0, None)
    }

    fn model(&self, id: &Uuid) -> StoreResult<Option<String>> {
        self.db.get_blob(Blob::Model, id.to_string())
    }

    fn save_upload(&self, id: &Uuid, upload: &StoredUpload) -> StoreResult<()> {
        self.db.put_blob(
            Blob::Upload,
            id.to_string(),
            upload.text.clone(),
            Some(upload.name.clone()),
            now_ms() as i64,
            upload.owner.map(|o| o.to_string()),
        )
    }

    fn upload(&self, id: &Uuid) -> StoreResult<Option<String>> {
        self.db.get_blob(Blob::Upload, id.to_string())
    }

    fn remove_uploads(&self, id: &Uuid) -> u64 {
        let Ok(Some(s)) = self.db.session(id.to_string()).map(|row| row.as_ref().and_then(session_from_row)) else {
            return 0;
        };
        let Some(files) = s.request.upload else { return 0 };
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

    fn claim_next(&self) -> StoreResult<Option<TrainingSession>> {
        let Some(row) = self.db.claim_next(self.owner.clone(), now_ms() as i64)? else { return Ok(None) };
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

fn session_row(s: &TrainingSession) -> SessionRow {
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

fn session_from_row(r: &SessionRow) -> Option<TrainingSession> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Headline, TrainRequest};

    fn request() -> TrainRequest {
        serde_json::from_value(serde_json::json!({"dataset": "k2", "model": "svm"})).unwrap()
    }

    /// What a restart keeps: finished sessions with their results and models; what it
    /// cannot keep (a running training) is marked failed, never left running.
    #[test]
    fn sessions_results_and_models_survive_reopening() {
        let dir = std::env::temp_dir().join(format!("exo-store-test-{}", Uuid::new_v4()));
        let done = Uuid::new_v4();
        let running = Uuid::new_v4();
        {
            let store = DatabaseStore::open(&dir, None).unwrap();
            store.insert(TrainingSession::queued(done, request(), None)).unwrap();
            store.insert(TrainingSession::queued(running, request(), None)).unwrap();
            store.update(&running, &mut |s| s.status = TrainingStatus::Running);
            let result: TrainingResult = serde_json::from_value(sample_result(&done)).unwrap();
            store
                .finish(&done, &mut |s| {
                    s.status = TrainingStatus::Completed;
                    s.headline = Some(Headline { accuracy: Some(0.8), macro_f1: Some(0.7), roc_auc: Some(0.9) });
                    s.result = Some(Arc::new(result.clone()));
                })
                .unwrap();
            store.save_model(&done, "{\"family\":\"svm\"}").unwrap();
            store.flush();
        }
        let store = DatabaseStore::open(&dir, None).unwrap().with_stale_after_ms(-60_000);
        let s = store.get(&done).unwrap().unwrap();
        assert_eq!(s.status, TrainingStatus::Completed);
        assert_eq!(s.headline.unwrap().macro_f1, Some(0.7));
        assert_eq!(s.result.unwrap().id, done.to_string());
        assert_eq!(store.model(&done).unwrap().unwrap(), "{\"family\":\"svm\"}");
        // A training whose process stopped goes back to the queue (its heartbeat is stale:
        // it never sent one); after its last attempt it fails instead.
        assert_eq!(store.recover_stale(3), 1);
        store.flush();
        let r = store.get(&running).unwrap().unwrap();
        assert_eq!(r.status, TrainingStatus::Queued, "{r:?}");
        let claimed = store.claim_next().unwrap().unwrap();
        assert_eq!((claimed.id, claimed.attempts), (running, 1));
        assert_eq!(store.recover_stale(1), 1, "one attempt allowed, one used");
        store.flush();
        let r = store.get(&running).unwrap().unwrap();
        assert_eq!(r.status, TrainingStatus::Failed);
        assert!(r.error.unwrap().contains("each of its 1 attempts"));
        assert_eq!(store.list().unwrap().len(), 2);
        assert!(store.delete(&done).unwrap());
        store.flush();
        assert!(store.get(&done).unwrap().is_none() && store.model(&done).unwrap().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Files an older version kept in the state folder move into the database; uploads no
    /// training refers to and models whose training is gone are swept, referenced ones kept.
    #[test]
    fn legacy_files_are_imported_and_orphans_swept() {
        let dir = std::env::temp_dir().join(format!("exo-store-orphans-{}", Uuid::new_v4()));
        let (model_id, upload_id) = (Uuid::new_v4(), Uuid::new_v4());
        std::fs::create_dir_all(dir.join("models")).unwrap();
        std::fs::create_dir_all(dir.join("uploads")).unwrap();
        std::fs::write(dir.join("models").join(format!("{model_id}.json")), "{\"family\":\"svm\"}").unwrap();
        std::fs::write(dir.join("uploads").join(format!("{upload_id}.csv")), "a,b\n1,2\n").unwrap();
        let store = DatabaseStore::open(&dir, None).unwrap();
        assert!(!dir.join("models").join(format!("{model_id}.json")).exists(), "moved, not copied");
        assert_eq!(store.upload(&upload_id).unwrap().as_deref(), Some("a,b\n1,2\n"));
        // The imported model has no training: the start-up sweep already removed it.
        assert!(store.model(&model_id).unwrap().is_none());

        let kept = Uuid::new_v4();
        store
            .save_upload(&kept, &StoredUpload { name: "mine.csv".into(), text: "a,b\n1,2\n".into(), owner: None })
            .unwrap();
        let mut request = request();
        request.upload = Some(crate::api::UploadedFiles {
            train_name: "mine.csv".into(),
            train_id: kept.to_string(),
            test_name: None,
            test_id: None,
        });
        store.insert(TrainingSession::queued(Uuid::new_v4(), request, None)).unwrap();
        let removed = store.db.remove_orphan_uploads(now_ms() as i64 + 1000).unwrap();
        assert_eq!(removed, [upload_id.to_string()]);
        assert!(store.upload(&kept).unwrap().is_some(), "a training refers to it");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The smallest valid result document (the API test covers real ones).
    fn sample_result(id: &Uuid) -> serde_json::Value {
        serde_json::json!({
            "id": id.to_string(),
            "metrics": {"accuracy": 0.8, "macro_f1": 0.7, "weighted_f1": 0.75, "roc_auc": 0.9, "log_loss": 0.5,
                "per_class": {}, "confusion_matrix": {"labels": [], "matrix": []}, "roc_curves": []},
            "predictions": [],
            "model_info": {"dataset": "k2", "dataset_name": "K2", "model": "svm", "model_name": "SVM", "hyperparameters": {},
                "seed": 42, "features": [], "missing_values": "", "split": "", "train_rows": 1, "test_rows": 1,
                "train_stars": 1, "test_stars": 1, "structure": "", "fit_seconds": 0.1, "predict_ms": 1.0,
                "explain_seconds": 0.1, "explanation_method": "", "caveats": []},
            "predicted_counts": {},
            "importance": {"space": "probability", "method": "", "base_values": {}, "features": [], "dots": {"objects": 0, "features": []}}
        })
    }
}
