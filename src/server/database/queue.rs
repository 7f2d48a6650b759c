//! The training queue's operations, safe with several processes sharing the database:
//! claim the oldest queued session, heartbeat, cancel, put back, and recover sessions whose
//! process stopped.

use super::rows::{session_row, SessionRow, SESSION_COLUMNS};
use super::{Database, DbResult};

/// What became of a training whose process stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleOutcome {
    Requeued,
    Failed,
    Cancelled,
}

impl Database {
    /// Takes the next queued session for `owner` (this process), marking it running: round
    /// robin across principals. Of the principals with something queued and fewer than
    /// `running_limit` trainings running, the one whose last training started longest ago (or
    /// never) goes first, with its oldest queued training; so a principal with many queued
    /// trainings delays only itself. Safe with several processes: the update re-checks the
    /// status, so of two claimers of the same row one gets it and the other asks again.
    pub fn claim_next(&self, owner: String, now: i64, running_limit: i64) -> DbResult<Option<SessionRow>> {
        let sql = format!(
            "UPDATE sessions SET status = 'running', step = 'Starting', started_at = $2, claimed_by = $1, heartbeat_at = {clock},
               attempts = attempts + 1, cancel_requested = 0, headline = NULL
             WHERE id = (
               SELECT q.id FROM sessions q
               WHERE q.status = 'queued'
                 AND (SELECT COUNT(*) FROM sessions r WHERE r.status = 'running'
                        AND COALESCE(r.principal, '') = COALESCE(q.principal, '')) < $3
               ORDER BY COALESCE((SELECT MAX(c.started_at) FROM sessions c
                                   WHERE COALESCE(c.principal, '') = COALESCE(q.principal, '')), 0),
                        q.created_at, q.id
               LIMIT 1)
               AND status = 'queued'
             RETURNING {SESSION_COLUMNS}",
            clock = self.clock
        );
        self.writer.call("claim a queued training", move |pool, rt| {
            rt.block_on(sqlx::query(&sql).bind(owner).bind(now).bind(running_limit).fetch_optional(pool))
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
}
