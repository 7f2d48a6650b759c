//! Training sessions, their results and their trained models, behind one interface:
//! [`DatabaseStore`] (SQLite in the state folder, the app's store) or [`MemoryStore`]
//! (tests). Sessions are also kept in memory, because the progress page reads them every
//! second; results (megabytes each) are read from the database on demand, with the few
//! most recent kept in memory.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use uuid::Uuid;

use super::database::{Database, DatabaseLocation, SessionRow};
use crate::api::{Headline, TrainRequest, TrainingResult, TrainingStatus};

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
    /// Key figures of a completed training, for lists.
    pub headline: Option<Headline>,
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
            created_at: next_created_at(),
            started_at: None,
            finished_at: None,
            headline: None,
            result: None,
        }
    }
}

pub trait SessionStore: Send + Sync {
    fn insert(&self, session: TrainingSession);
    /// The session with its result (if completed).
    fn get(&self, id: &Uuid) -> Option<TrainingSession>;
    /// Applies `change` to the session, if it exists.
    fn update(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession));
    /// Every session without its result, newest first.
    fn list(&self) -> Vec<TrainingSession>;
    /// Removes a session with its result and model; false if there was none.
    fn delete(&self, id: &Uuid) -> bool;
    /// Keeps a trained model (JSON) beside its session.
    fn save_model(&self, id: &Uuid, json: &str);
    fn model(&self, id: &Uuid) -> Option<String>;
    /// Bytes the store occupies on disk (0 in memory).
    fn disk_bytes(&self) -> u64 {
        0
    }
    /// Returns once every accepted write is durable (called at shutdown).
    fn flush(&self) {}
    /// Ok when the database answers a trivial query in time (for readiness checks).
    fn ping(&self) -> Result<(), String> {
        Ok(())
    }
    /// Deletes a training's uploaded files (its result and model stay); the bytes freed.
    fn remove_uploads(&self, _id: &Uuid) -> u64 {
        0
    }

    // The queue. Trainings wait in the store as queued sessions, so every server process
    // sharing it can take work.

    /// Takes the oldest queued session for this process, now marked running.
    fn claim_next(&self) -> Option<TrainingSession>;
    /// Says this process still works on `id`; true when a cancel was asked for it.
    fn heartbeat(&self, id: &Uuid) -> bool;
    /// Cancels a queued session at once, or asks the owner of a running one to stop.
    /// False when it is neither queued nor running.
    fn request_cancel(&self, id: &Uuid) -> bool;
    /// Marks failed the running sessions whose process stopped sending heartbeats.
    fn interrupt_stale(&self) -> usize {
        0
    }
}

/// A worker sends a heartbeat about every second; one silent this long has died.
pub const HEARTBEAT_STALE_MS: u64 = 10_000;

/// Sessions in memory only: lost on restart. For tests.
#[derive(Default)]
pub struct MemoryStore {
    sessions: RwLock<HashMap<Uuid, TrainingSession>>,
    models: RwLock<HashMap<Uuid, String>>,
    cancel_requested: Mutex<std::collections::HashSet<Uuid>>,
}

impl SessionStore for MemoryStore {
    fn claim_next(&self) -> Option<TrainingSession> {
        let mut sessions = self.sessions.write().unwrap_or_else(|e| e.into_inner());
        let next = sessions.values_mut().filter(|s| s.status == TrainingStatus::Queued).min_by_key(|s| (s.created_at, s.id))?;
        next.status = TrainingStatus::Running;
        next.started_at = Some(now_ms());
        next.step = "Starting".into();
        Some(next.clone())
    }

    fn heartbeat(&self, id: &Uuid) -> bool {
        self.cancel_requested.lock().unwrap_or_else(|e| e.into_inner()).contains(id)
    }

    fn request_cancel(&self, id: &Uuid) -> bool {
        let mut sessions = self.sessions.write().unwrap_or_else(|e| e.into_inner());
        match sessions.get_mut(id) {
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
        }
    }

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

    fn list(&self) -> Vec<TrainingSession> {
        newest_first(self.sessions.read().unwrap_or_else(|e| e.into_inner()).values().map(|s| TrainingSession { result: None, ..s.clone() }))
    }

    fn delete(&self, id: &Uuid) -> bool {
        self.models.write().unwrap_or_else(|e| e.into_inner()).remove(id);
        self.sessions.write().unwrap_or_else(|e| e.into_inner()).remove(id).is_some()
    }

    fn save_model(&self, id: &Uuid, json: &str) {
        self.models.write().unwrap_or_else(|e| e.into_inner()).insert(*id, json.to_string());
    }

    fn model(&self, id: &Uuid) -> Option<String> {
        self.models.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }
}

/// Results kept in memory besides the database (the most recently read or written).
const CACHED_RESULTS: usize = 6;

/// The app's store: SQLite for sessions and results (`state/exoplanet.db`), one JSON file
/// per trained model (`state/models/<id>.json`, as big as the model: a 200-tree forest is
/// tens of MB, which would bloat the database).
///
/// Sessions are read from the database every time, never cached: another server process
/// sharing the database may be running (and updating) any of them.
pub struct DatabaseStore {
    db: Database,
    db_path: PathBuf,
    models_dir: PathBuf,
    uploads_dir: PathBuf,
    /// This process, as the owner of the sessions it claims.
    owner: String,
    /// Read-modify-write of a session by this process, one at a time.
    updating: Mutex<()>,
    results: Mutex<VecDeque<(Uuid, Arc<TrainingResult>)>>,
}

impl DatabaseStore {
    /// Opens the store in `state_dir`. Sessions left running by a process that has since
    /// stopped are marked failed ("interrupted by a server restart"): their work is gone.
    /// Queued sessions stay queued and run when a worker is free.
    /// `database_url` names a database server (PostgreSQL) to use instead of the SQLite file.
    pub fn open(state_dir: &Path, database_url: Option<&str>) -> Result<DatabaseStore, String> {
        let models_dir = state_dir.join("models");
        std::fs::create_dir_all(&models_dir).map_err(|e| format!("cannot create {}: {e}", models_dir.display()))?;
        let db_path = state_dir.join("exoplanet.db");
        let location = match database_url {
            Some(url) => DatabaseLocation::Url(url.to_string()),
            None => DatabaseLocation::SqliteFile(db_path.clone()),
        };
        let db = Database::open(&location)?;
        let store = DatabaseStore {
            db,
            db_path,
            models_dir,
            uploads_dir: state_dir.join("uploads"),
            owner: Uuid::new_v4().to_string(),
            updating: Mutex::new(()),
            results: Mutex::new(VecDeque::new()),
        };
        store.interrupt_stale();
        tracing::info!(database = location.describe(), "store opened");
        Ok(store)
    }

    fn cache(&self, id: Uuid, result: Arc<TrainingResult>) {
        let mut cache = self.results.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(i, _)| *i != id);
        cache.push_front((id, result));
        cache.truncate(CACHED_RESULTS);
    }

    fn result(&self, id: &Uuid) -> Option<Arc<TrainingResult>> {
        if let Some((_, r)) = self.results.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(i, _)| i == id) {
            return Some(r.clone());
        }
        let json = self.db.get_blob("results", id.to_string())?;
        match serde_json::from_str::<TrainingResult>(&json) {
            Ok(r) => {
                let r = Arc::new(r);
                self.cache(*id, r.clone());
                Some(r)
            }
            Err(error) => {
                tracing::error!(%id, %error, "stored result unreadable");
                None
            }
        }
    }

    /// Persists a session; a result it carries goes to its own table (written first, so a
    /// completed row never points at a missing result) and is not kept on the session.
    fn persist(&self, s: &mut TrainingSession) {
        if let Some(result) = s.result.take() {
            match serde_json::to_string(&*result) {
                Ok(json) => self.db.put_blob("results", s.id.to_string(), json),
                Err(error) => tracing::error!(id = %s.id, %error, "result not serialisable"),
            }
            self.cache(s.id, result);
        }
        self.db.upsert_session(session_row(s));
    }

    fn model_path(&self, id: &Uuid) -> PathBuf {
        // The id is a parsed UUID, never user text, so it is safe as a file name.
        self.models_dir.join(format!("{id}.json"))
    }

    fn session(&self, id: &Uuid) -> Option<TrainingSession> {
        let row = self.db.session(id.to_string())?;
        let s = session_from_row(&row);
        if s.is_none() {
            tracing::error!(%id, "unreadable session row");
        }
        s
    }
}

impl SessionStore for DatabaseStore {
    fn insert(&self, mut session: TrainingSession) {
        self.persist(&mut session);
    }

    fn get(&self, id: &Uuid) -> Option<TrainingSession> {
        let mut s = self.session(id)?;
        if s.status == TrainingStatus::Completed {
            s.result = self.result(id);
        }
        Some(s)
    }

    fn update(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession)) {
        let _one_at_a_time = self.updating.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut s) = self.session(id) {
            change(&mut s);
            self.persist(&mut s);
        }
    }

    fn list(&self) -> Vec<TrainingSession> {
        match self.db.sessions() {
            Ok(rows) => rows.iter().filter_map(session_from_row).collect(),
            Err(error) => {
                tracing::error!(%error, "cannot list sessions");
                Vec::new()
            }
        }
    }

    fn delete(&self, id: &Uuid) -> bool {
        self.remove_uploads(id);
        let existed = self.session(id).is_some();
        self.results.lock().unwrap_or_else(|e| e.into_inner()).retain(|(i, _)| i != id);
        self.db.delete(id.to_string());
        let _ = std::fs::remove_file(self.model_path(id));
        existed
    }

    fn save_model(&self, id: &Uuid, json: &str) {
        // Write then rename, so a crash never leaves half a model behind.
        let path = self.model_path(id);
        let partial = path.with_extension("json.partial");
        if let Err(error) = std::fs::write(&partial, json).and_then(|_| std::fs::rename(&partial, &path)) {
            tracing::error!(%id, %error, "cannot save the model file");
        }
    }

    fn model(&self, id: &Uuid) -> Option<String> {
        std::fs::read_to_string(self.model_path(id)).ok()
    }

    fn flush(&self) {
        self.db.flush();
    }

    fn ping(&self) -> Result<(), String> {
        self.db.ping(std::time::Duration::from_secs(2))
    }

    fn disk_bytes(&self) -> u64 {
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let folder = |dir: &Path| -> u64 { std::fs::read_dir(dir).map(|d| d.flatten().map(|e| size(&e.path())).sum()).unwrap_or(0) };
        size(&self.db_path) + size(&self.db_path.with_extension("db-wal")) + folder(&self.models_dir) + folder(&self.uploads_dir)
    }

    fn remove_uploads(&self, id: &Uuid) -> u64 {
        let Some(files) = self.session(id).and_then(|s| s.request.upload) else { return 0 };
        let mut freed = 0;
        for stored in std::iter::once(files.train_id).chain(files.test_id) {
            // Stored ids are UUIDs the server made; anything else is not a file of ours.
            let Ok(stored) = Uuid::parse_str(&stored) else { continue };
            let path = self.uploads_dir.join(format!("{stored}.csv"));
            freed += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let _ = std::fs::remove_file(&path);
        }
        freed
    }

    fn claim_next(&self) -> Option<TrainingSession> {
        let row = self.db.claim_next(self.owner.clone(), now_ms() as i64)?;
        let s = session_from_row(&row);
        if s.is_none() {
            tracing::error!(id = row.id, "claimed an unreadable session");
        }
        s
    }

    fn heartbeat(&self, id: &Uuid) -> bool {
        self.db.heartbeat(id.to_string(), self.owner.clone(), now_ms() as i64)
    }

    fn request_cancel(&self, id: &Uuid) -> bool {
        self.db.request_cancel(id.to_string(), now_ms() as i64)
    }

    fn interrupt_stale(&self) -> usize {
        let now = now_ms();
        let ids = self.db.interrupt_stale(now.saturating_sub(HEARTBEAT_STALE_MS) as i64, now as i64);
        for id in &ids {
            tracing::warn!(%id, "training interrupted (its server process stopped), marked failed");
        }
        ids.len()
    }
}

fn newest_first(sessions: impl Iterator<Item = TrainingSession>) -> Vec<TrainingSession> {
    let mut all: Vec<TrainingSession> = sessions.collect();
    all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
    all
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
    })
}

/// Creation times strictly increase within a process, so two trainings queued in the same
/// millisecond still run in the order they were queued (the queue orders by creation time).
fn next_created_at() -> u64 {
    static LAST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let now = now_ms();
    let previous = LAST.fetch_update(std::sync::atomic::Ordering::SeqCst, std::sync::atomic::Ordering::SeqCst, |last| Some(now.max(last + 1))).unwrap_or(0);
    now.max(previous + 1)
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            store.insert(TrainingSession::queued(done, request()));
            store.insert(TrainingSession::queued(running, request()));
            store.update(&running, &mut |s| s.status = TrainingStatus::Running);
            let result: TrainingResult = serde_json::from_value(sample_result(&done)).unwrap();
            store.update(&done, &mut |s| {
                s.status = TrainingStatus::Completed;
                s.headline = Some(Headline { accuracy: Some(0.8), macro_f1: Some(0.7), roc_auc: Some(0.9) });
                s.result = Some(Arc::new(result.clone()));
            });
            store.save_model(&done, "{\"family\":\"svm\"}");
            store.flush();
        }
        let store = DatabaseStore::open(&dir, None).unwrap();
        let s = store.get(&done).unwrap();
        assert_eq!(s.status, TrainingStatus::Completed);
        assert_eq!(s.headline.unwrap().macro_f1, Some(0.7));
        assert_eq!(s.result.unwrap().id, done.to_string());
        assert_eq!(store.model(&done).unwrap(), "{\"family\":\"svm\"}");
        let r = store.get(&running).unwrap();
        assert_eq!(r.status, TrainingStatus::Failed);
        assert!(r.error.unwrap().contains("Interrupted by a server restart"));
        assert_eq!(store.list().len(), 2);
        assert!(store.delete(&done));
        store.flush();
        assert!(store.get(&done).is_none() && store.model(&done).is_none());
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
