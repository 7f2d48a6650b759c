//! Training sessions, their results, trained models and uploaded tables, behind one
//! interface: [`DatabaseStore`] (SQLite in the state folder, or PostgreSQL; tests use a
//! SQLite file in a temporary folder too). Every read that a request waits for can fail with
//! [`Unavailable`] (the database is down or slow): the API answers 503 with `Retry-After`,
//! never 404 or a hang.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::database::AdmissionCounts;
pub use super::database::Unavailable;
pub use super::database_store::DatabaseStore;
pub use super::owner::{OwnerId, Share};
use crate::api::{Headline, TrainRequest, TrainingResult, TrainingStatus};
use crate::domain::DatasetRef;

pub type StoreResult<T> = Result<T, Unavailable>;

#[derive(Debug, Clone)]
pub struct TrainingSession {
    pub id: Uuid,
    /// What the client asked for.
    pub request: TrainRequest,
    /// The tables the server stored for it (only the server names stored files: a client
    /// can never point a training at another owner's table).
    pub upload: Option<UploadedFiles>,
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
    /// Times a worker has claimed it (1 on its first run; more after interruptions).
    pub attempts: u32,
    /// Who made it (`None`: stored before owners existed; the operator's only).
    pub owner: Option<OwnerId>,
    /// Set when its owner made it public.
    pub share: Option<Share>,
    /// The "planet or not" threshold its owner saved with the model.
    pub threshold: Option<crate::domain::DecisionThreshold>,
    /// The key of the principal its costs are charged to (`fairness::principal`; `None`
    /// for rows from before principals, which are charged to their owner).
    pub principal: Option<String>,
}

impl TrainingSession {
    pub fn queued(id: Uuid, request: TrainRequest, upload: Option<UploadedFiles>, owner: Option<OwnerId>) -> Self {
        TrainingSession {
            id,
            request,
            upload,
            status: TrainingStatus::Queued,
            progress: 0.0,
            step: "Waiting for a free training slot".into(),
            error: None,
            created_at: next_created_at(),
            started_at: None,
            finished_at: None,
            headline: None,
            result: None,
            attempts: 0,
            owner,
            share: None,
            threshold: None,
            principal: None,
        }
    }

    /// As [`TrainingSession::queued`], charged to `principal`.
    pub fn queued_for(
        id: Uuid,
        request: TrainRequest,
        upload: Option<UploadedFiles>,
        owner: Option<OwnerId>,
        principal: &super::owner::Principal,
    ) -> Self {
        TrainingSession { principal: Some(principal.key()), ..TrainingSession::queued(id, request, upload, owner) }
    }
}

impl TrainingSession {
    /// What it learns from. The request's dataset was checked before it was stored, so only
    /// a row edited by hand could name none; it then counts as the user's own table.
    pub fn dataset(&self) -> DatasetRef {
        match (&self.upload, DatasetRef::parse(&self.request.dataset)) {
            (None, Some(dataset)) => dataset,
            _ => DatasetRef::Upload,
        }
    }
}

/// Files stored with a training: the names the user gave them (for display only) and the
/// server's own ids for them. Kept in the stored request's JSON under `"upload"`, as
/// earlier versions wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadedFiles {
    pub train_name: String,
    pub train_id: String,
    #[serde(default)]
    pub test_name: Option<String>,
    #[serde(default)]
    pub test_id: Option<String>,
}

impl UploadedFiles {
    /// The stored tables' ids (the training table first).
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.train_id).chain(self.test_id.as_ref())
    }
}

/// An uploaded table as stored: the name the user gave it (display only) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredUpload {
    pub name: String,
    pub text: String,
    /// Whose it is (counted against their upload quota).
    pub owner: Option<OwnerId>,
    /// The key of the principal it is charged to (counted against its upload budget).
    pub principal: Option<String>,
}

/// Judges a training's admission on the counts taken inside its transaction.
pub type AdmissionRule = Box<dyn FnOnce(&AdmissionCounts) -> Result<(), crate::api::ApiError> + Send>;

pub trait SessionStore: Send + Sync {
    /// Stores a new session; durable when it returns (the client is then told 202).
    fn insert(&self, session: TrainingSession) -> StoreResult<()>;
    /// Stores a new queued session if `rule` admits it on the counts of its owner and
    /// principal, counted and inserted in one transaction (so parallel starts admit at most
    /// the quota); durable when it returns. `window_start_ms`: where the per-day window
    /// begins.
    fn admit(
        &self,
        session: TrainingSession,
        window_start_ms: u64,
        rule: AdmissionRule,
    ) -> StoreResult<Result<(), crate::api::ApiError>>;
    /// The session with its result (if completed).
    fn get(&self, id: &Uuid) -> StoreResult<Option<TrainingSession>>;
    /// The session without its result: what status polls read (a result is megabytes of
    /// JSON to read and parse).
    fn status(&self, id: &Uuid) -> StoreResult<Option<TrainingSession>>;
    /// Applies `change` to the session, if it exists. The write is queued (progress may be
    /// lost in a crash; final states are written with [`SessionStore::finish`]).
    fn update(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession));
    /// Applies `change` and waits until it is durable (a training's final state).
    fn finish(&self, id: &Uuid, change: &mut dyn FnMut(&mut TrainingSession)) -> StoreResult<()>;
    /// Every session without its result, newest first.
    fn list(&self) -> StoreResult<Vec<TrainingSession>>;
    /// One owner's sessions without their results, newest first.
    fn list_owned(&self, owner: &OwnerId) -> StoreResult<Vec<TrainingSession>> {
        Ok(self.list()?.into_iter().filter(|s| s.owner.as_ref() == Some(owner)).collect())
    }
    /// Makes a training public (`Some`) or private again (`None`); durable when it returns.
    fn set_share(&self, id: &Uuid, share: Option<Share>) -> StoreResult<()>;
    /// Saves (`Some`) or clears the decision threshold its predictions apply; durable when it returns.
    fn set_threshold(&self, id: &Uuid, threshold: Option<crate::domain::DecisionThreshold>) -> StoreResult<()>;
    /// Moves every training and upload of `from` to `to` (an account adopting the work its
    /// browser did before signing in); how many trainings moved.
    fn adopt(&self, from: &OwnerId, to: &OwnerId) -> StoreResult<u64>;
    /// Bytes of the tables `owner` uploaded since `since_ms` (their upload quota).
    fn upload_bytes_since(&self, owner: &OwnerId, since_ms: u64) -> StoreResult<u64>;
    /// Removes a session with its result, model and uploads; false if there was none.
    fn delete(&self, id: &Uuid) -> StoreResult<bool>;
    /// Keeps a trained model (JSON) beside its session; durable when it returns.
    fn save_model(&self, id: &Uuid, json: &str) -> StoreResult<()>;
    fn model(&self, id: &Uuid) -> StoreResult<Option<String>>;
    /// Keeps an uploaded table (checked UTF-8 text) under a server-made id.
    fn save_upload(&self, id: &Uuid, upload: &StoredUpload) -> StoreResult<()>;
    /// A stored table's text (the name the user gave it lives in the training's request).
    fn upload(&self, id: &Uuid) -> StoreResult<Option<String>>;
    /// Deletes a training's uploaded tables (its result and model stay); the bytes freed.
    fn remove_uploads(&self, id: &Uuid) -> u64;
    /// Removes one stored upload (a refused request's).
    fn remove_upload(&self, id: &Uuid);
    /// Bytes the store occupies.
    fn disk_bytes(&self) -> StoreResult<u64>;
    /// Removes the finished trainings (with results, models, uploads) of anonymous owners
    /// last seen before `cutoff_ms`, and forgets owners with nothing left; how many went.
    fn expire_anonymous(&self, cutoff_ms: u64) -> usize;
    /// Forgets usage events from before `before_ms` (outside every quota window).
    fn prune_usage(&self, before_ms: u64);
    /// Returns once every accepted write is durable (called at shutdown).
    fn flush(&self) {}
    /// Whether the database answers (readiness).
    fn ping(&self) -> StoreResult<()> {
        Ok(())
    }
    /// Removes what no training refers to (uploads of refused requests, models of deleted
    /// trainings) and reports what is missing; called at start-up and by the retention timer.
    fn clean_orphans(&self) {}

    // The queue. Trainings wait in the store as queued sessions, so every server process
    // sharing it can take work.

    /// Takes the next queued session for this process, now marked running: round robin
    /// across principals, none of which may have more than `running_limit` running.
    fn claim_next(&self, running_limit: usize) -> StoreResult<Option<TrainingSession>>;
    /// Says this process still works on `id`; true when a cancel was asked for it.
    fn heartbeat(&self, id: &Uuid) -> bool;
    /// Cancels a queued session at once, or asks the owner of a running one to stop.
    /// False when it is neither queued nor running.
    fn request_cancel(&self, id: &Uuid) -> StoreResult<bool>;
    /// Running sessions whose process stopped sending heartbeats: queued again while they
    /// have attempts left (fewer than `max_attempts` claims), else failed.
    fn recover_stale(&self, _max_attempts: u32) -> usize {
        0
    }
    /// Puts a training this process runs back in the queue (graceful shutdown); not
    /// counted as an attempt.
    fn put_back(&self, id: &Uuid) -> bool;
}

/// A worker sends a heartbeat about every second; one silent this long has died.
pub const HEARTBEAT_STALE_MS: u64 = 10_000;

/// Creation times strictly increase within a process, so two trainings queued in the same
/// millisecond still run in the order they were queued (the queue orders by creation time).
fn next_created_at() -> u64 {
    static LAST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let now = now_ms();
    let previous = LAST
        .fetch_update(std::sync::atomic::Ordering::SeqCst, std::sync::atomic::Ordering::SeqCst, |last| {
            Some(now.max(last + 1))
        })
        .unwrap_or(0);
    now.max(previous + 1)
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
