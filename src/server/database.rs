//! The persistent store: SQLite (through sqlx) in `EXO_STATE_DIR/exoplanet.db`, holding
//! sessions, results and trained models, with migrations applied at start-up.
//!
//! sqlx is async; the store's callers are partly synchronous (a training's progress sink
//! runs on a blocking thread). So the database lives on its own thread with a small tokio
//! runtime, and callers hand it work through a channel: reads wait for their answer,
//! writes are queued and applied in order. One writer also means SQLite never sees two
//! writers at once.

use std::path::Path;
use std::sync::mpsc;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

type Job = Box<dyn FnOnce(&SqlitePool, &tokio::runtime::Runtime) + Send>;

/// Schema changes in order; each runs once, recorded in `schema_migrations`.
const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        request TEXT NOT NULL,
        status TEXT NOT NULL,
        progress REAL NOT NULL,
        step TEXT NOT NULL,
        error TEXT,
        headline TEXT,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT
    );
    CREATE TABLE results (id TEXT PRIMARY KEY, result TEXT NOT NULL);
    CREATE TABLE models (id TEXT PRIMARY KEY, model TEXT NOT NULL);",
)];

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
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub fn open(path: &Path) -> Result<Database, String> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready, is_ready) = mpsc::sync_channel(1);
        let path = path.to_path_buf();
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
                let options = SqliteConnectOptions::new().filename(&path).create_if_missing(true).journal_mode(SqliteJournalMode::Wal);
                let pool = runtime.block_on(async {
                    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
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
                        let _ = ready.send(Err(format!("cannot open the database {}: {e}", path.display())));
                    }
                }
            })
            .map_err(|e| format!("cannot start the database thread: {e}"))?;
        is_ready.recv().map_err(|_| "the database thread stopped while opening".to_string())??;
        Ok(Database { jobs })
    }

    /// Runs `f` on the database thread and waits for its answer.
    fn call<T: Send + 'static>(&self, f: impl FnOnce(&SqlitePool, &tokio::runtime::Runtime) -> T + Send + 'static) -> Option<T> {
        let (answer, answered) = mpsc::sync_channel(1);
        self.jobs.send(Box::new(move |pool, rt| {
            let _ = answer.send(f(pool, rt));
        })).ok()?;
        answered.recv().ok()
    }

    /// Queues a write; errors are logged (a lost progress update must not stop a training).
    fn write(&self, what: &'static str, f: impl FnOnce(&SqlitePool, &tokio::runtime::Runtime) -> Result<(), sqlx::Error> + Send + 'static) {
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
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
            let sql = format!("INSERT INTO {table} (id, {col}) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET {col} = excluded.{col}", col = blob_column(table));
            rt.block_on(sqlx::query(&sql).bind(id).bind(json).execute(pool)).map(|_| ())
        });
    }

    pub fn get_blob(&self, table: &'static str, id: String) -> Option<String> {
        self.call(move |pool, rt| {
            let sql = format!("SELECT {} FROM {table} WHERE id = ?", blob_column(table));
            rt.block_on(sqlx::query(&sql).bind(id).fetch_optional(pool)).ok().flatten().map(|row| row.get::<String, _>(0))
        })
        .flatten()
    }

    pub fn delete(&self, id: String) {
        self.write("delete", move |pool, rt| {
            rt.block_on(async {
                for table in ["results", "models", "sessions"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE id = ?")).bind(&id).execute(pool).await?;
                }
                Ok(())
            })
        });
    }

    pub fn sessions(&self) -> Result<Vec<SessionRow>, String> {
        self.call(|pool, rt| {
            rt.block_on(sqlx::query("SELECT id, request, status, progress, step, error, headline, created_at, started_at, finished_at FROM sessions").fetch_all(pool))
                .map(|rows| {
                    rows.iter()
                        .map(|r| SessionRow {
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
                        })
                        .collect()
                })
                .map_err(|e| format!("cannot read sessions: {e}"))
        })
        .unwrap_or_else(|| Err("the database thread stopped".into()))
    }

    /// Waits until every queued write is applied (for shutdown and tests).
    pub fn flush(&self) {
        let _ = self.call(|_, _| ());
    }
}

fn blob_column(table: &str) -> &'static str {
    if table == "results" { "result" } else { "model" }
}

async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)").execute(pool).await?;
    for (version, sql) in MIGRATIONS {
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = ?").bind(version).fetch_optional(pool).await?;
        if done.is_some() {
            continue;
        }
        let mut tx = pool.begin().await?;
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version) VALUES (?)").bind(version).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(())
}
