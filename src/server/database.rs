//! The persistent store: SQLite (through sqlx) in `EXO_STATE_DIR/exoplanet.db` by default,
//! or PostgreSQL when `EXO_DATABASE_URL` names one, holding sessions (which are also the
//! training queue) and results, with migrations applied at start-up. sqlx's `Any` driver
//! runs the same SQL on both: only portable SQL here (`$1` placeholders, `ON CONFLICT`,
//! `RETURNING`, BIGINT / DOUBLE PRECISION / TEXT).
//!
//! sqlx is async; the store's callers are partly synchronous (a training's progress sink
//! runs on a blocking thread). So the database lives on its own thread with a small tokio
//! runtime, and callers hand it work through a channel: reads wait for their answer,
//! writes are queued and applied in order. One writer also means SQLite never sees two
//! writers at once.

use std::sync::mpsc;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

type Job = Box<dyn FnOnce(&AnyPool, &tokio::runtime::Runtime) + Send>;

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
}

/// Schema changes in order; each runs once, recorded in `schema_migrations`.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
    "CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        request TEXT NOT NULL,
        status TEXT NOT NULL,
        progress DOUBLE PRECISION NOT NULL,
        step TEXT NOT NULL,
        error TEXT,
        headline TEXT,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT
    );
    CREATE TABLE results (id TEXT PRIMARY KEY, result TEXT NOT NULL);
    CREATE TABLE models (id TEXT PRIMARY KEY, model TEXT NOT NULL);",
    ),
    // The queue lives in the sessions table: a worker of any server process sharing the
    // database claims the oldest queued session, stamps it with its process id and keeps a
    // heartbeat; a cancel from any process sets a flag the owner polls.
    (
        2,
        "ALTER TABLE sessions ADD COLUMN claimed_by TEXT;
    ALTER TABLE sessions ADD COLUMN heartbeat_at BIGINT;
    ALTER TABLE sessions ADD COLUMN cancel_requested BIGINT NOT NULL DEFAULT 0;
    CREATE INDEX sessions_status ON sessions (status, created_at)",
    ),
];

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
}

pub struct Database {
    jobs: mpsc::Sender<Job>,
}

impl Database {
    /// Opens (creating a SQLite file if needed) the database and applies pending migrations.
    pub fn open(location: &DatabaseLocation) -> Result<Database, String> {
        sqlx::any::install_default_drivers();
        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready, is_ready) = mpsc::sync_channel(1);
        let location = location.clone();
        std::thread::Builder::new()
            .name("database".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready.send(Err(format!("cannot start the database runtime: {e}")));
                        return;
                    }
                };
                let pool = runtime.block_on(async {
                    // One connection: this thread runs one query at a time anyway.
                    let pool = AnyPoolOptions::new().max_connections(1).connect(&location.url()).await?;
                    if let DatabaseLocation::SqliteFile(_) = location {
                        // Readers (other processes) never wait for the writer.
                        sqlx::query("PRAGMA journal_mode = WAL").fetch_optional(&pool).await?;
                    }
                    migrate(&pool).await?;
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
        Ok(Database { jobs })
    }

    /// Runs `f` on the database thread and waits for its answer.
    fn call<T: Send + 'static>(&self, f: impl FnOnce(&AnyPool, &tokio::runtime::Runtime) -> T + Send + 'static) -> Option<T> {
        let (answer, answered) = mpsc::sync_channel(1);
        self.jobs.send(Box::new(move |pool, rt| {
            let _ = answer.send(f(pool, rt));
        })).ok()?;
        answered.recv().ok()
    }

    /// Queues a write; errors are logged (a lost progress update must not stop a training).
    fn write(&self, what: &'static str, f: impl FnOnce(&AnyPool, &tokio::runtime::Runtime) -> Result<(), sqlx::Error> + Send + 'static) {
        let _ = self.jobs.send(Box::new(move |pool, rt| {
            if let Err(error) = f(pool, rt) {
                tracing::error!(%error, "database write failed: {what}");
            }
        }));
    }

    pub fn upsert_session(&self, row: SessionRow) {
        self.write("session", move |pool, rt| {
            rt.block_on(
                sqlx::query(
                    "INSERT INTO sessions (id, request, status, progress, step, error, headline, created_at, started_at, finished_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
                .execute(pool),
            )
            .map(|_| ())
        });
    }

    pub fn put_blob(&self, table: &'static str, id: String, json: String) {
        self.write(table, move |pool, rt| {
            let sql = format!("INSERT INTO {table} (id, {col}) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET {col} = excluded.{col}", col = blob_column(table));
            rt.block_on(sqlx::query(&sql).bind(id).bind(json).execute(pool)).map(|_| ())
        });
    }

    pub fn get_blob(&self, table: &'static str, id: String) -> Option<String> {
        self.call(move |pool, rt| {
            let sql = format!("SELECT {} FROM {table} WHERE id = $1", blob_column(table));
            rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool)).ok().flatten().map(|row| row.get::<String, _>(0))
        })
        .flatten()
    }

    pub fn delete(&self, id: String) {
        self.write("delete", move |pool, rt| {
            rt.block_on(async {
                for table in ["results", "models", "sessions"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE id = $1")).bind(&id).execute(pool).await?;
                }
                Ok(())
            })
        });
    }

    /// Every session, newest first.
    pub fn sessions(&self) -> Result<Vec<SessionRow>, String> {
        self.call(|pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions ORDER BY created_at DESC, id");
            rt.block_on(sqlx::query(&sql).fetch_all(pool)).map(|rows| rows.iter().map(session_row).collect()).map_err(|e| format!("cannot read sessions: {e}"))
        })
        .unwrap_or_else(|| Err("the database thread stopped".into()))
    }

    pub fn session(&self, id: String) -> Option<SessionRow> {
        self.call(move |pool, rt| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
            match rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool)) {
                Ok(row) => row.as_ref().map(session_row),
                Err(error) => {
                    tracing::error!(%error, "cannot read a session");
                    None
                }
            }
        })
        .flatten()
    }

    /// Takes the oldest queued session for `owner` (marking it running), if there is one.
    /// Safe with several processes: the update re-checks the status, so of two claimers of
    /// the same row one gets it and the other gets nothing (and asks again).
    pub fn claim_next(&self, owner: String, now: i64) -> Option<SessionRow> {
        self.call(move |pool, rt| {
            let sql = format!(
                "UPDATE sessions SET status = 'running', step = 'Starting', started_at = $2, claimed_by = $1, heartbeat_at = $2
                 WHERE id = (SELECT id FROM sessions WHERE status = 'queued' ORDER BY created_at, id LIMIT 1) AND status = 'queued'
                 RETURNING {SESSION_COLUMNS}"
            );
            match rt.block_on(sqlx::query(&sql).bind(owner).bind(now).fetch_optional(pool)) {
                Ok(row) => row.as_ref().map(session_row),
                Err(error) => {
                    tracing::error!(%error, "cannot claim a queued training");
                    None
                }
            }
        })
        .flatten()
    }

    /// Records that `owner` is still working on `id`; true when someone asked to cancel it.
    pub fn heartbeat(&self, id: String, owner: String, now: i64) -> bool {
        self.call(move |pool, rt| {
            rt.block_on(async {
                sqlx::query("UPDATE sessions SET heartbeat_at = $1 WHERE id = $2 AND claimed_by = $3").bind(now).bind(&id).bind(owner).execute(pool).await?;
                sqlx::query_scalar::<_, i64>("SELECT cancel_requested FROM sessions WHERE id = $1").bind(&id).fetch_optional(pool).await
            })
            .ok()
            .flatten()
            .is_some_and(|flag| flag != 0)
        })
        .unwrap_or(false)
    }

    /// Cancels a queued session at once, or flags a running one for its owner (which may
    /// be another process). False when it is neither.
    pub fn request_cancel(&self, id: String, now: i64) -> bool {
        self.call(move |pool, rt| {
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
                Ok::<_, sqlx::Error>(running.rows_affected() > 0)
            })
            .unwrap_or(false)
        })
        .unwrap_or(false)
    }

    /// Marks failed every running session whose owner's heartbeat stopped before
    /// `stale_before` (its process died); returns their ids.
    pub fn interrupt_stale(&self, stale_before: i64, now: i64) -> Vec<String> {
        self.call(move |pool, rt| {
            rt.block_on(
                sqlx::query_scalar::<_, String>(
                    "UPDATE sessions SET status = 'failed', step = 'Interrupted', finished_at = $2,
                       error = 'Interrupted by a server restart; start the training again.'
                     WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $1)
                     RETURNING id",
                )
                .bind(stale_before)
                .bind(now)
                .fetch_all(pool),
            )
            .unwrap_or_else(|error| {
                tracing::error!(%error, "cannot check for interrupted trainings");
                Vec::new()
            })
        })
        .unwrap_or_default()
    }

    /// Runs `SELECT 1`: Ok when the database answers within `timeout` (which also shows
    /// this process's database thread is not stuck behind other work).
    pub fn ping(&self, timeout: std::time::Duration) -> Result<(), String> {
        let (answer, answered) = mpsc::sync_channel(1);
        self.jobs
            .send(Box::new(move |pool, rt| {
                let outcome = rt.block_on(async { tokio::time::timeout(timeout, sqlx::query("SELECT 1").fetch_optional(pool)).await });
                let _ = answer.send(match outcome {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(error)) => Err(error.to_string()),
                    Err(_) => Err(format!("no answer within {timeout:?}")),
                });
            }))
            .map_err(|_| "the database thread stopped".to_string())?;
        answered.recv_timeout(timeout).map_err(|_| format!("the database thread did not answer within {timeout:?}"))?
    }

    /// Waits until every queued write is applied (for shutdown and tests).
    pub fn flush(&self) {
        let _ = self.call(|_, _| ());
    }
}

const SESSION_COLUMNS: &str = "id, request, status, progress, step, error, headline, created_at, started_at, finished_at";

fn session_row(r: &AnyRow) -> SessionRow {
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
    }
}

fn blob_column(table: &str) -> &'static str {
    if table == "results" { "result" } else { "model" }
}

async fn migrate(pool: &AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)").execute(pool).await?;
    for (version, sql) in MIGRATIONS {
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1").bind(version).fetch_optional(pool).await?;
        if done.is_some() {
            continue;
        }
        let mut tx = pool.begin().await?;
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version) VALUES ($1)").bind(version).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(())
}
