//! The app's store: everything in the database (SQLite `state/exoplanet.db` by default, or
//! PostgreSQL): sessions (the queue), results, trained models and uploaded tables, so
//! server processes on different machines share nothing but `EXO_DATABASE_URL`.
//!
//! Sessions are read from the database every time, never cached: another server process
//! sharing the database may be running (and updating) any of them. Results (megabytes
//! each) are cached for the few most recently read or written.

mod legacy;
mod persist;
mod rows;
mod session_store;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::database::{Database, DatabaseLocation, OpenError};
use super::store::{SessionStore, HEARTBEAT_STALE_MS};
use crate::api::TrainingResult;

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
    pub fn open(state_dir: &Path, database_url: Option<&str>) -> Result<DatabaseStore, OpenError> {
        std::fs::create_dir_all(state_dir)
            .map_err(|source| OpenError::StateFolder { path: state_dir.to_path_buf(), source })?;
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
    #[cfg(test)]
    pub fn with_stale_after_ms(mut self, ms: i64) -> Self {
        self.stale_after_ms = ms;
        self
    }
}
