//! The persistent store: SQLite (through sqlx) in `EXO_STATE_DIR/exoplanet.db` by default,
//! or PostgreSQL when `EXO_DATABASE_URL` names one, holding sessions (which are also the
//! training queue), results, trained models and uploaded tables, with migrations applied at
//! start-up ([`super::migrations`]). sqlx's `Any` driver runs the same SQL on both: only
//! portable SQL here (`$1` placeholders, `ON CONFLICT`, `RETURNING`, BIGINT / DOUBLE
//! PRECISION / TEXT).
//!
//! sqlx is async; the store's callers are synchronous (a training's progress sink runs on
//! its own thread). So the database is served by two threads, each with a small tokio
//! runtime and its own connection, and callers hand them work through channels:
//! - the writer applies writes in order (queued ones, such as progress, and waited ones,
//!   such as a new training or a model) and the queue operations (claim, heartbeat, cancel);
//!   one writer also means SQLite never sees two writers at once;
//! - the reader answers reads (status polls, lists, results), so a poll never waits behind
//!   a megabyte result being written.
//!
//! Every waited call has a deadline: a database that is down or slow makes the call fail
//! with [`Unavailable`] (503 with `Retry-After` to the client), never hang.

use std::sync::mpsc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use super::migrations::migrate;

type Job = Box<dyn FnOnce(&AnyPool, &tokio::runtime::Runtime) + Send>;

/// How long a caller waits for the database before giving up with [`Unavailable`].
const CALL_DEADLINE: Duration = Duration::from_secs(5);
/// How long the pool tries to (re)connect before a query fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// The database did not answer in time, or answered with an error (logged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the database is unavailable ({0})")]
pub struct Unavailable(pub String);

pub type DbResult<T> = Result<T, Unavailable>;

impl From<Unavailable> for crate::api::ApiError {
    fn from(_: Unavailable) -> Self {
        // The details are in the log; the client learns only that it may retry.
        crate::api::ApiError::new("unavailable", "The database is not answering right now; try again in a few seconds.")
    }
}

/// Where the database is.
#[derive(Debug, Clone, PartialEq)]
pub enum DatabaseLocation {
    /// The embedded default: a SQLite file, created if missing.
    SqliteFile(std::path::PathBuf),
    /// A server, by URL (`postgres://user:password@host/db`) or any URL sqlx's `Any` takes.
    Url(String),
}

impl DatabaseLocation {
    fn url(&self) -> String {
        match self {
            // `mode=rwc`: create the file if it is missing. Characters that would end the
            // path part of the URL are escaped.
            DatabaseLocation::SqliteFile(path) => {
                let path = path.display().to_string().replace('%', "%25").replace('?', "%3F").replace('#', "%23");
                format!("sqlite://{path}?mode=rwc")
            }
            DatabaseLocation::Url(url) => url.clone(),
        }
    }

    /// For messages: the file, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            DatabaseLocation::SqliteFile(path) => path.display().to_string(),
            DatabaseLocation::Url(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
                _ => url.clone(),
            },
        }
    }

    fn is_postgres(&self) -> bool {
        matches!(self, DatabaseLocation::Url(u) if u.starts_with("postgres"))
    }
}

/// One row of the `sessions` table, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: String,
    pub request: String,
    pub status: String,
    pub progress: f64,
    pub step: String,
    pub error: Option<String>,
    pub headline: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// Times a worker claimed it (written by claims only).
    pub attempts: i64,
    /// Written when the row is created; changed only by adoption (see `owner_records`).
    pub owner: Option<String>,
    /// Written only by sharing (see `owner_records`): the name shown, and whether rows are in.
    pub shared_by: Option<String>,
    pub share_rows: i64,
}

/// What became of a training whose process stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleOutcome {
    Requeued,
    Failed,
    Cancelled,
}

/// A thread with a connection, taking jobs from a channel.
struct Connection {
    jobs: mpsc::Sender<Job>,
}

impl Connection {
    /// Connects on a new thread; `setup` runs once there before any job (migrations).
    fn open(name: &str, location: &DatabaseLocation, migrate_first: bool) -> Result<Connection, String> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready, is_ready) = mpsc::sync_channel(1);
        let location = location.clone();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready.send(Err(format!("cannot start the database runtime: {e}")));
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
                        migrate(&pool).await?;
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
                        let _ = ready.send(Err(format!("cannot open the database {}: {e}", location.describe())));
                    }
                }
            })
            .map_err(|e| format!("cannot start the database thread: {e}"))?;
        is_ready.recv().map_err(|_| "the database thread stopped while opening".to_string())??;
        Ok(Connection { jobs })
    }

    /// Runs `f` on this connection's thread and waits for its answer, at most [`CALL_DEADLINE`].
    fn call<T: Send + 'static>(
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
    fn write(
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

pub struct Database {
    writer: Connection,
    reader: Connection,
    /// SQL for the database's own clock in Unix milliseconds: heartbeats are stamped and
    /// judged by it, so processes on hosts whose clocks differ agree on what is stale.
    clock: &'static str,
    postgres: bool,
}

const SQLITE_CLOCK: &str = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS BIGINT)";
const POSTGRES_CLOCK: &str = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

pub(super) const SESSION_COLUMNS: &str = "id, request, status, progress, step, error, headline, created_at, started_at, finished_at, attempts, owner, shared_by, share_rows";

impl Database {
    /// Opens (creating a SQLite file if needed) the database and applies pending migrations.
    pub fn open(location: &DatabaseLocation) -> Result<Database, String> {
        sqlx::any::install_default_drivers();
        let writer = Connection::open("database-writer", location, true)?;
        let reader = Connection::open("database-reader", location, false)?;
        let postgres = location.is_postgres();
        Ok(Database { writer, reader, clock: if postgres { POSTGRES_CLOCK } else { SQLITE_CLOCK }, postgres })
    }

    /// Writes a session row: queued (`durable` false: progress, which may be lost) or waited
    /// for (`durable` true: a new training, a final state).
    pub fn upsert_session(&self, row: SessionRow, durable: bool) -> DbResult<()> {
        let f = move |pool: &AnyPool, rt: &tokio::runtime::Runtime| {
            rt.block_on(
                sqlx::query(
                    "INSERT INTO sessions (id, request, status, progress, step, error, headline, created_at, started_at, finished_at, owner)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                     ON CONFLICT (id) DO UPDATE SET request = excluded.request, status = excluded.status,
                       progress = excluded.progress, step = excluded.step, error = excluded.error,
                       headline = excluded.headline, started_at = excluded.started_at, finished_at = excluded.finished_at",
                )
                .bind(row.id)
                .bind(row.request)
                .bind(row.status)
                .bind(row.progress)
                .bind(row.step)
                .bind(row.error)
                .bind(row.headline)
                .bind(row.created_at)
                .bind(row.started_at)
                .bind(row.finished_at)
                .bind(row.owner)
                .execute(pool),
            )
            .map(|_| ())
        };
        if durable {
            self.writer.call("save a training", f)
        } else {
            self.writer.write("save progress", f);
            Ok(())
        }
    }

    /// Stores a result, model or upload document (waited for: it must be there before the
    /// session that points at it).
    pub fn put_blob(
        &self,
        kind: Blob,
        id: String,
        text: String,
        name: Option<String>,
        now: i64,
        owner: Option<String>,
    ) -> DbResult<()> {
        let bytes = text.len() as i64;
        self.writer.call(kind.what_saved(), move |pool, rt| {
            let q = match kind {
                Blob::Upload => sqlx::query(
                    "INSERT INTO uploads (id, name, content, created_at, owner, bytes) VALUES ($1, $3, $2, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET content = excluded.content",
                )
                .bind(id)
                .bind(text)
                .bind(name.unwrap_or_default())
                .bind(now)
                .bind(owner)
                .bind(bytes),
                _ => {
                    let sql = format!("INSERT INTO {t} (id, {c}) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET {c} = excluded.{c}", t = kind.table(), c = kind.column());
                    return rt.block_on(sqlx::query(&sql).bind(id).bind(text).execute(pool)).map(|_| ());
                }
            };
            rt.block_on(q.execute(pool)).map(|_| ())
        })
    }

    pub fn get_blob(&self, kind: Blob, id: String) -> DbResult<Option<String>> {
        self.reader.call(kind.what_read(), move |pool, rt| {
            let sql = format!("SELECT {} FROM {} WHERE id = $1", kind.column(), kind.table());
            rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool))
                .map(|row| row.map(|row| row.get::<String, _>(0)))
        })
    }

    /// Removes one stored document; its size in bytes (0 when there was none).
    pub fn delete_blob(&self, kind: Blob, id: String) -> DbResult<u64> {
        self.writer.call("delete a document", move |pool, rt| {
            rt.block_on(async {
                let sql = format!("SELECT LENGTH({}) FROM {} WHERE id = $1", kind.column(), kind.table());
                let size: Option<i64> = sqlx::query_scalar(&sql).bind(&id).fetch_optional(pool).await?;
                sqlx::query(&format!("DELETE FROM {} WHERE id = $1", kind.table())).bind(&id).execute(pool).await?;
                Ok(size.unwrap_or(0).max(0) as u64)
            })
        })
    }

    /// Deletes a session with its result and model.
    pub fn delete(&self, id: String) -> DbResult<()> {
        self.writer.call("delete a training", move |pool, rt| {
            rt.block_on(async {
                for table in ["results", "models", "sessions"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE id = $1")).bind(&id).execute(pool).await?;
                }
                Ok(())
            })
        })
    }

    /// Every session, newest first.
    pub fn sessions(&self) -> DbResult<Vec<SessionRow>> {
        self.reader.call("list trainings", |pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions ORDER BY created_at DESC, id");
            rt.block_on(sqlx::query(&sql).fetch_all(pool)).map(|rows| rows.iter().map(session_row).collect())
        })
    }

    pub fn session(&self, id: String) -> DbResult<Option<SessionRow>> {
        self.reader.call("read a training", move |pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
            rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool)).map(|row| row.as_ref().map(session_row))
        })
    }

    /// The same read on the writer: after a read-modify-write it must see every queued write.
    pub fn session_for_update(&self, id: String) -> DbResult<Option<SessionRow>> {
        self.writer.call("read a training", move |pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
            rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool)).map(|row| row.as_ref().map(session_row))
        })
    }

    /// Takes the oldest queued session for `owner` (marking it running), if there is one.
    /// Safe with several processes: the update re-checks the status, so of two claimers of
    /// the same row one gets it and the other gets nothing (and asks again).
    pub fn claim_next(&self, owner: String, now: i64) -> DbResult<Option<SessionRow>> {
        let sql = format!(
            "UPDATE sessions SET status = 'running', step = 'Starting', started_at = $2, claimed_by = $1, heartbeat_at = {clock},
               attempts = attempts + 1, cancel_requested = 0
             WHERE id = (SELECT id FROM sessions WHERE status = 'queued' ORDER BY created_at, id LIMIT 1) AND status = 'queued'
             RETURNING {SESSION_COLUMNS}",
            clock = self.clock
        );
        self.writer.call("claim a queued training", move |pool, rt| {
            rt.block_on(sqlx::query(&sql).bind(owner).bind(now).fetch_optional(pool))
                .map(|row| row.as_ref().map(session_row))
        })
    }

    /// Records that `owner` is still working on `id`; true when someone asked to cancel it.
    pub fn heartbeat(&self, id: String, owner: String) -> DbResult<bool> {
        let sql = format!("UPDATE sessions SET heartbeat_at = {} WHERE id = $1 AND claimed_by = $2", self.clock);
        self.writer.call("heartbeat", move |pool, rt| {
            rt.block_on(async {
                sqlx::query(&sql).bind(&id).bind(owner).execute(pool).await?;
                let flag: Option<i64> = sqlx::query_scalar("SELECT cancel_requested FROM sessions WHERE id = $1")
                    .bind(&id)
                    .fetch_optional(pool)
                    .await?;
                Ok(flag.is_some_and(|flag| flag != 0))
            })
        })
    }

    /// Cancels a queued session at once, or flags a running one for its owner (which may
    /// be another process). False when it is neither.
    pub fn request_cancel(&self, id: String, now: i64) -> DbResult<bool> {
        self.writer.call("cancel a training", move |pool, rt| {
            rt.block_on(async {
                let queued = sqlx::query("UPDATE sessions SET status = 'cancelled', step = 'Cancelled', finished_at = $2 WHERE id = $1 AND status = 'queued'")
                    .bind(&id)
                    .bind(now)
                    .execute(pool)
                    .await?;
                if queued.rows_affected() > 0 {
                    return Ok(true);
                }
                let running = sqlx::query("UPDATE sessions SET cancel_requested = 1 WHERE id = $1 AND status = 'running'").bind(&id).execute(pool).await?;
                Ok(running.rows_affected() > 0)
            })
        })
    }

    /// Sessions whose owner's heartbeat is older than `stale_ms` by the database's clock (its
    /// process died): back to the queue while they have attempts left (fewer than
    /// `max_attempts` claims), else failed, or cancelled when a cancel was asked. Returns
    /// (id, what happened).
    pub fn recover_stale(&self, stale_ms: i64, max_attempts: i64, now: i64) -> DbResult<Vec<(String, StaleOutcome)>> {
        let stale = format!("status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < {} - $1)", self.clock);
        self.writer.call("recover interrupted trainings", move |pool, rt| {
            rt.block_on(async {
                let mut recovered = Vec::new();
                let cancelled: Vec<String> = sqlx::query_scalar(&format!(
                    "UPDATE sessions SET status = 'cancelled', step = 'Cancelled', finished_at = $2, claimed_by = NULL
                     WHERE {stale} AND cancel_requested <> 0 RETURNING id"
                ))
                .bind(stale_ms)
                .bind(now)
                .fetch_all(pool)
                .await?;
                recovered.extend(cancelled.into_iter().map(|id| (id, StaleOutcome::Cancelled)));
                let queued: Vec<String> = sqlx::query_scalar(&format!(
                    "UPDATE sessions SET status = 'queued', step = 'Interrupted; queued to run again', progress = 0,
                       started_at = NULL, claimed_by = NULL, heartbeat_at = NULL
                     WHERE {stale} AND attempts < $2 RETURNING id"
                ))
                .bind(stale_ms)
                .bind(max_attempts)
                .fetch_all(pool)
                .await?;
                recovered.extend(queued.into_iter().map(|id| (id, StaleOutcome::Requeued)));
                let failed: Vec<String> = sqlx::query_scalar(&format!(
                    "UPDATE sessions SET status = 'failed', step = 'Failed', finished_at = $2, claimed_by = NULL,
                       error = 'Training failed: its server process stopped during each of its ' || CAST($3 AS TEXT) || ' attempts (a crash, a kill or running out of memory), so it is not run again. Try fewer rows, a smaller model, or another family.'
                     WHERE {stale} RETURNING id"
                ))
                .bind(stale_ms)
                .bind(now)
                .bind(max_attempts)
                .fetch_all(pool)
                .await?;
                recovered.extend(failed.into_iter().map(|id| (id, StaleOutcome::Failed)));
                Ok(recovered)
            })
        })
    }

    /// Puts a training this process was running back in the queue, as if it had never been
    /// claimed (a graceful stop is not a failed attempt). False when it is no longer ours.
    pub fn put_back(&self, id: String, owner: String) -> DbResult<bool> {
        self.writer.call("put a training back in the queue", move |pool, rt| {
            rt.block_on(
                sqlx::query(
                    "UPDATE sessions SET status = 'queued', step = 'Waiting: put back in the queue when its server stopped', progress = 0,
                       started_at = NULL, claimed_by = NULL, heartbeat_at = NULL, attempts = attempts - 1
                     WHERE id = $1 AND claimed_by = $2 AND status = 'running'",
                )
                .bind(id)
                .bind(owner)
                .execute(pool),
            )
            .map(|r| r.rows_affected() > 0)
        })
    }

    /// Answers when the database does (readiness); both connections are asked.
    pub fn ping(&self) -> DbResult<()> {
        let ping = |pool: &AnyPool, rt: &tokio::runtime::Runtime| {
            rt.block_on(sqlx::query("SELECT 1").fetch_optional(pool)).map(|_| ())
        };
        self.reader.call("ping", ping)?;
        self.writer.call("ping", ping)
    }

    /// Bytes the stored data occupies: SQLite's used pages (freed pages are reused, so the
    /// file does not grow past this for long) plus its write-ahead log; PostgreSQL's
    /// database size.
    pub fn size_bytes(&self) -> DbResult<u64> {
        let postgres = self.postgres;
        self.writer.call("measure the database", move |pool, rt| {
            rt.block_on(async {
                let bytes: i64 = if postgres {
                    sqlx::query_scalar("SELECT CAST(pg_database_size(current_database()) AS BIGINT)")
                        .fetch_one(pool)
                        .await?
                } else {
                    // Checkpoint first, so the log's pages are counted once, in the file.
                    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_optional(pool).await?;
                    let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(pool).await?;
                    let free: i64 = sqlx::query_scalar("PRAGMA freelist_count").fetch_one(pool).await?;
                    let size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(pool).await?;
                    (pages - free) * size
                };
                Ok(bytes.max(0) as u64)
            })
        })
    }

    /// Uploaded tables no training refers to and older than `before` (a refused request, or
    /// a crash between storing the file and queueing): removed; their ids.
    pub fn remove_orphan_uploads(&self, before: i64) -> DbResult<Vec<String>> {
        self.writer.call("remove orphaned uploads", move |pool, rt| {
            rt.block_on(
                sqlx::query_scalar(
                    "DELETE FROM uploads WHERE created_at < $1
                       AND NOT EXISTS (SELECT 1 FROM sessions WHERE sessions.request LIKE '%' || uploads.id || '%')
                     RETURNING id",
                )
                .bind(before)
                .fetch_all(pool),
            )
        })
    }

    /// Models and results whose training is gone: removed; how many.
    pub fn remove_orphan_documents(&self) -> DbResult<u64> {
        self.writer.call("remove orphaned models and results", |pool, rt| {
            rt.block_on(async {
                let mut removed = 0;
                for table in ["models", "results"] {
                    let sql = format!(
                        "DELETE FROM {table} WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE sessions.id = {table}.id)"
                    );
                    removed += sqlx::query(&sql).execute(pool).await?.rows_affected();
                }
                Ok(removed)
            })
        })
    }

    /// Completed trainings with no stored model (reported at start-up).
    pub fn completed_without_model(&self) -> DbResult<Vec<String>> {
        self.reader.call("find completed trainings without a model", |pool, rt| {
            rt.block_on(
                sqlx::query_scalar("SELECT id FROM sessions WHERE status = 'completed' AND NOT EXISTS (SELECT 1 FROM models WHERE models.id = sessions.id)").fetch_all(pool),
            )
        })
    }

    /// Runs `f` on the reader connection and waits (for queries kept beside their concern,
    /// such as `owner_records`).
    pub(super) fn read<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&AnyPool, &tokio::runtime::Runtime) -> Result<T, sqlx::Error> + Send + 'static,
    ) -> DbResult<T> {
        self.reader.call(what, f)
    }

    /// Runs `f` on the writer connection (after every queued write) and waits.
    pub(super) fn write_now<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&AnyPool, &tokio::runtime::Runtime) -> Result<T, sqlx::Error> + Send + 'static,
    ) -> DbResult<T> {
        self.writer.call(what, f)
    }

    /// Waits until every queued write is applied (for shutdown and tests).
    pub fn flush(&self) {
        let _ = self.writer.call("flush", |_, _| Ok(()));
    }
}

/// The documents kept beside sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blob {
    Result,
    Model,
    Upload,
}

impl Blob {
    fn table(self) -> &'static str {
        match self {
            Blob::Result => "results",
            Blob::Model => "models",
            Blob::Upload => "uploads",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Blob::Result => "result",
            Blob::Model => "model",
            Blob::Upload => "content",
        }
    }

    fn what_saved(self) -> &'static str {
        match self {
            Blob::Result => "save a result",
            Blob::Model => "save a model",
            Blob::Upload => "save an uploaded table",
        }
    }

    fn what_read(self) -> &'static str {
        match self {
            Blob::Result => "read a result",
            Blob::Model => "read a model",
            Blob::Upload => "read an uploaded table",
        }
    }
}

pub(super) fn session_row(r: &AnyRow) -> SessionRow {
    SessionRow {
        id: r.get(0),
        request: r.get(1),
        status: r.get(2),
        progress: r.get(3),
        step: r.get(4),
        error: r.get(5),
        headline: r.get(6),
        created_at: r.get(7),
        started_at: r.get(8),
        finished_at: r.get(9),
        attempts: r.get(10),
        owner: r.get(11),
        shared_by: r.get(12),
        share_rows: r.get(13),
    }
}
