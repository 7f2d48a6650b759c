//! One database connection on a thread of its own, with its own small tokio runtime: callers
//! hand it work through a channel and either wait for the answer (with a deadline) or not.

use std::sync::mpsc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

use super::error::{DbResult, OpenError, Unavailable};
use super::location::DatabaseLocation;
use crate::server::migrations::migrate;

type Job = Box<dyn FnOnce(&AnyPool, &tokio::runtime::Runtime) + Send>;

/// How long a caller waits for the database before giving up with [`Unavailable`].
const CALL_DEADLINE: Duration = Duration::from_secs(5);
/// How long the pool tries to (re)connect before a query fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// A thread with a connection, taking jobs from a channel.
pub(super) struct Connection {
    jobs: mpsc::Sender<Job>,
}

impl Connection {
    /// Connects on a new thread; `setup` runs once there before any job (migrations).
    pub(super) fn open(name: &str, location: &DatabaseLocation, migrate_first: bool) -> Result<Connection, OpenError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready, is_ready) = mpsc::sync_channel(1);
        let location = location.clone();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready.send(Err(OpenError::Thread { what: "runtime", reason: e.to_string() }));
                        return;
                    }
                };
                let pool = runtime.block_on(async {
                    // One connection per thread: a thread runs one query at a time anyway.
                    let pool = AnyPoolOptions::new()
                        .max_connections(1)
                        .acquire_timeout(ACQUIRE_TIMEOUT)
                        .connect(&location.url())
                        .await?;
                    if let DatabaseLocation::SqliteFile(_) = location {
                        // Readers never wait for the writer.
                        sqlx::query("PRAGMA journal_mode = WAL").fetch_optional(&pool).await?;
                    }
                    if migrate_first {
                        migrate(&pool, location.is_postgres()).await?;
                    }
                    Ok::<_, sqlx::Error>(pool)
                });
                match pool {
                    Ok(pool) => {
                        let _ = ready.send(Ok(()));
                        for job in queue {
                            job(&pool, &runtime);
                        }
                        runtime.block_on(pool.close());
                    }
                    Err(e) => {
                        let _ = ready.send(Err(OpenError::Connect { location: location.describe(), source: e }));
                    }
                }
            })
            .map_err(|e| OpenError::Thread { what: "thread", reason: e.to_string() })?;
        is_ready
            .recv()
            .map_err(|_| OpenError::Thread { what: "thread", reason: "it stopped while opening".into() })??;
        Ok(Connection { jobs })
    }

    /// Runs `f` on this connection's thread and waits for its answer, at most [`CALL_DEADLINE`].
    pub(super) fn call<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&AnyPool, &tokio::runtime::Runtime) -> Result<T, sqlx::Error> + Send + 'static,
    ) -> DbResult<T> {
        let (answer, answered) = mpsc::sync_channel(1);
        self.jobs
            .send(Box::new(move |pool, rt| {
                let _ = answer.send(f(pool, rt));
            }))
            .map_err(|_| Unavailable("its thread stopped".into()))?;
        match answered.recv_timeout(CALL_DEADLINE) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                tracing::error!(%error, "database call failed: {what}");
                Err(Unavailable(format!("{what} failed")))
            }
            Err(_) => {
                tracing::error!("database call timed out: {what}");
                Err(Unavailable(format!("{what} took longer than {} s", CALL_DEADLINE.as_secs())))
            }
        }
    }

    /// Queues a write; errors are logged (a lost progress update must not stop a training).
    pub(super) fn write(
        &self,
        what: &'static str,
        f: impl FnOnce(&AnyPool, &tokio::runtime::Runtime) -> Result<(), sqlx::Error> + Send + 'static,
    ) {
        let sent = self.jobs.send(Box::new(move |pool, rt| {
            if let Err(error) = f(pool, rt) {
                tracing::error!(%error, "database write failed: {what}");
            }
        }));
        if sent.is_err() {
            tracing::error!("database write dropped, its thread stopped: {what}");
        }
    }
}
