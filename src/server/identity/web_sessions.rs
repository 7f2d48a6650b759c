//! tower-sessions' store for account sign-ins, kept in the app's database (SQLite or
//! PostgreSQL) so a sign-in survives restarts and works on every process sharing it.
//! Only signed-in browsers have a session: anonymous visitors carry a signed cookie and
//! cost no database row.

use std::sync::Arc;

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::server::database::Database;

#[derive(Clone)]
pub struct DatabaseSessions {
    db: Arc<Database>,
}

impl std::fmt::Debug for DatabaseSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseSessions")
    }
}

impl DatabaseSessions {
    pub fn new(db: Arc<Database>) -> Self {
        DatabaseSessions { db }
    }

    /// Runs a blocking database call off the async threads.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, crate::server::database::Unavailable> + Send + 'static,
    ) -> session_store::Result<T> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(|e| session_store::Error::Backend(e.to_string()))?
            .map_err(|e| session_store::Error::Backend(e.to_string()))
    }

    /// Removes expired sign-ins (called by the retention timer).
    pub fn remove_expired(&self) {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if let Err(error) = self.db.delete_expired_web_sessions(now) {
            tracing::warn!(%error, "expired sign-in sessions not removed");
        }
    }
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(record).map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// The account a session is signed in to, if any (kept beside the record).
fn account_of(record: &Record) -> Option<String> {
    let signed_in = record.data.get(super::SESSION_ACCOUNT)?;
    serde_json::from_value::<super::SignedIn>(signed_in.clone()).ok().map(|s| s.owner.to_string())
}

#[async_trait]
impl SessionStore for DatabaseSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random id; on the (2^-128) chance it exists, draw again.
        loop {
            let (id, text, expires) = (record.id.to_string(), encode(record)?, record.expiry_date.unix_timestamp());
            let account = account_of(record);
            if self.run(move |db| db.put_web_session(id, text, expires, account, true)).await? {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (id, text, expires) = (record.id.to_string(), encode(record)?, record.expiry_date.unix_timestamp());
        let account = account_of(record);
        self.run(move |db| db.put_web_session(id, text, expires, account, false)).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let (id, now) = (id.to_string(), time::OffsetDateTime::now_utc().unix_timestamp());
        let Some(text) = self.run(move |db| db.web_session(id, now)).await? else { return Ok(None) };
        serde_json::from_str(&text).map(Some).map_err(|e| session_store::Error::Decode(e.to_string()))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let id = id.to_string();
        self.run(move |db| db.delete_web_session(id)).await
    }
}
