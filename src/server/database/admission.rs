//! Admitting a training atomically: the counts its quotas are judged on and the insert happen
//! in one transaction that holds the database's write lock from its first statement (SQLite
//! `BEGIN IMMEDIATE`; PostgreSQL a transaction-scoped advisory lock), so N parallel starts,
//! from one process or several sharing the database, admit at most the quota.

use sqlx::AnyConnection;
use sqlx::Row;

use super::rows::SessionRow;
use super::{Database, DbResult};

/// Everything a training's admission is judged on, counted inside the transaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdmissionCounts {
    /// The owner's trainings queued or running.
    pub owner_active: u64,
    /// The principal's trainings queued or running (every identity of an address together).
    pub principal_active: u64,
    /// The principal's trainings waiting in the queue.
    pub principal_queued: u64,
    /// Trainings waiting in the whole queue.
    pub total_queued: u64,
    /// The owner's completed trainings kept (cancelled and failed ones cost nothing).
    pub owner_stored: u64,
    pub principal_stored: u64,
    /// Trainings started in the window (events, so deleting does not refill the quota).
    pub owner_recent: u64,
    pub principal_recent: u64,
}

/// An advisory lock key of the admission (any constant both sides agree on).
const ADMISSION_LOCK: i64 = 0x6578_6f5f_6164_6d69;

impl Database {
    /// Counts, asks `decide`, and inserts `row` (with a `training` usage event at `now`, and
    /// the owner's last visit) only if it says yes; all in one transaction.
    pub fn admit_training<R: Send + 'static>(
        &self,
        row: SessionRow,
        window_start: i64,
        now: i64,
        decide: impl FnOnce(&AdmissionCounts) -> Result<(), R> + Send + 'static,
    ) -> DbResult<Result<(), R>> {
        let postgres = self.postgres;
        self.writer.call("admit a training", move |pool, rt| {
            rt.block_on(async move {
                let mut conn = pool.acquire().await?;
                let begin = if postgres { "BEGIN" } else { "BEGIN IMMEDIATE" };
                sqlx::query(begin).execute(&mut *conn).await?;
                let outcome = admit_in_transaction(&mut conn, postgres, row, window_start, now, decide).await;
                let end = if matches!(outcome, Ok(Ok(()))) { "COMMIT" } else { "ROLLBACK" };
                let ended = sqlx::query(end).execute(&mut *conn).await;
                let outcome = outcome?;
                ended?;
                Ok(outcome)
            })
        })
    }

    /// The same counts outside a transaction: the cheap early refusal before a training's
    /// data is read (the transaction decides).
    pub fn admission_counts(&self, owner: String, principal: String, window_start: i64) -> DbResult<AdmissionCounts> {
        self.read("count a principal's trainings", move |pool, rt| {
            rt.block_on(async move {
                let mut conn = pool.acquire().await?;
                counts(&mut conn, &owner, &principal, window_start).await
            })
        })
    }
}

async fn admit_in_transaction<R>(
    conn: &mut AnyConnection,
    postgres: bool,
    row: SessionRow,
    window_start: i64,
    now: i64,
    decide: impl FnOnce(&AdmissionCounts) -> Result<(), R>,
) -> Result<Result<(), R>, sqlx::Error> {
    if postgres {
        // Held until COMMIT / ROLLBACK: admissions of every process take turns.
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(ADMISSION_LOCK).execute(&mut *conn).await?;
    }
    let owner = row.owner.clone().unwrap_or_default();
    let principal = row.principal.clone().unwrap_or_default();
    let found = counts(conn, &owner, &principal, window_start).await?;
    if let Err(refusal) = decide(&found) {
        return Ok(Err(refusal));
    }
    sqlx::query(
        "INSERT INTO sessions (id, request, status, progress, step, error, headline, created_at, started_at, finished_at, owner, principal)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
    .bind(row.owner.clone())
    .bind(row.principal.clone())
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO usage_events (principal, owner, kind, amount, at) VALUES ($1, $2, 'training', 1, $3)")
        .bind(&principal)
        .bind(row.owner.clone())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if let Some(owner) = row.owner {
        sqlx::query(
            "INSERT INTO owners (owner, last_seen_at) VALUES ($1, $2) ON CONFLICT (owner) DO UPDATE SET last_seen_at = excluded.last_seen_at",
        )
        .bind(owner)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Ok(()))
}

async fn counts(
    conn: &mut AnyConnection,
    owner: &str,
    principal: &str,
    window_start: i64,
) -> Result<AdmissionCounts, sqlx::Error> {
    let sessions = sqlx::query(
        "SELECT
           CAST(COALESCE(SUM(CASE WHEN owner = $1 AND status IN ('queued', 'running') THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN principal = $2 AND status IN ('queued', 'running') THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN principal = $2 AND status = 'queued' THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN owner = $1 AND status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN principal = $2 AND status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM sessions",
    )
    .bind(owner)
    .bind(principal)
    .fetch_one(&mut *conn)
    .await?;
    let events = sqlx::query(
        "SELECT
           CAST(COALESCE(SUM(CASE WHEN owner = $1 THEN amount ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN principal = $2 THEN amount ELSE 0 END), 0) AS BIGINT)
         FROM usage_events WHERE kind = 'training' AND at >= $3 AND (owner = $1 OR principal = $2)",
    )
    .bind(owner)
    .bind(principal)
    .bind(window_start)
    .fetch_one(&mut *conn)
    .await?;
    let n = |row: &sqlx::any::AnyRow, i: usize| row.get::<i64, _>(i).max(0) as u64;
    Ok(AdmissionCounts {
        owner_active: n(&sessions, 0),
        principal_active: n(&sessions, 1),
        principal_queued: n(&sessions, 2),
        total_queued: n(&sessions, 3),
        owner_stored: n(&sessions, 4),
        principal_stored: n(&sessions, 5),
        owner_recent: n(&events, 0),
        principal_recent: n(&events, 1),
    })
}
