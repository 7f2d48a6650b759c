//! Usage in a window and visits: the events per-day quotas count (trainings started, bytes
//! sent), pruned once they leave every window; owners' last visits, by which anonymous work
//! expires; and the stored uploads charged to a principal.

use super::{Database, DbResult};

/// Kinds of usage events.
pub const TRAINING_EVENT: &str = "training";
pub const UPLOAD_BYTES_EVENT: &str = "upload_bytes";

impl Database {
    /// Records `amount` of `kind` for a principal (and owner) at `now`; durable on return.
    pub fn record_usage(
        &self,
        principal: String,
        owner: Option<String>,
        kind: &'static str,
        amount: i64,
        now: i64,
    ) -> DbResult<()> {
        self.writer.call("record usage", move |pool, rt| {
            rt.block_on(
                sqlx::query(
                    "INSERT INTO usage_events (principal, owner, kind, amount, at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(principal)
                .bind(owner)
                .bind(kind)
                .bind(amount)
                .bind(now)
                .execute(pool),
            )
            .map(|_| ())
        })
    }

    /// (the owner's, the principal's) sum of `kind` since `since`.
    pub fn usage_since(
        &self,
        owner: Option<String>,
        principal: String,
        kind: &'static str,
        since: i64,
    ) -> DbResult<(u64, u64)> {
        self.read("sum usage", move |pool, rt| {
            let row: (i64, i64) = rt.block_on(
                sqlx::query_as(
                    "SELECT CAST(COALESCE(SUM(CASE WHEN owner = $1 THEN amount ELSE 0 END), 0) AS BIGINT),
                            CAST(COALESCE(SUM(CASE WHEN principal = $2 THEN amount ELSE 0 END), 0) AS BIGINT)
                     FROM usage_events WHERE kind = $3 AND at >= $4 AND (owner = $1 OR principal = $2)",
                )
                .bind(owner)
                .bind(principal)
                .bind(kind)
                .bind(since)
                .fetch_one(pool),
            )?;
            Ok((row.0.max(0) as u64, row.1.max(0) as u64))
        })
    }

    /// Bytes of stored uploads charged to `principal`.
    pub fn principal_upload_bytes(&self, principal: String) -> DbResult<u64> {
        self.read("sum a principal's uploads", move |pool, rt| {
            let total: i64 = rt.block_on(
                sqlx::query_scalar("SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) FROM uploads WHERE principal = $1")
                    .bind(principal)
                    .fetch_one(pool),
            )?;
            Ok(total.max(0) as u64)
        })
    }

    /// Charges a stored upload to its principal (written once, after it is stored).
    pub fn set_upload_principal(&self, id: String, principal: String) -> DbResult<()> {
        self.writer.call("charge an upload", move |pool, rt| {
            rt.block_on(
                sqlx::query("UPDATE uploads SET principal = $2 WHERE id = $1").bind(id).bind(principal).execute(pool),
            )
            .map(|_| ())
        })
    }

    /// Events older than every window; how many went.
    pub fn prune_usage(&self, before: i64) -> DbResult<u64> {
        self.writer.call("prune usage", move |pool, rt| {
            rt.block_on(sqlx::query("DELETE FROM usage_events WHERE at < $1").bind(before).execute(pool))
                .map(|r| r.rows_affected())
        })
    }

    /// Records that an owner with stored work was seen (queued: a visit never waits for it).
    pub fn touch_owner(&self, owner: String, now: i64) {
        self.writer.write("record a visit", move |pool, rt| {
            rt.block_on(
                sqlx::query("UPDATE owners SET last_seen_at = $2 WHERE owner = $1 AND last_seen_at < $2")
                    .bind(owner)
                    .bind(now)
                    .execute(pool),
            )
            .map(|_| ())
        });
    }

    /// Records an owner's visit now and waits (a new upload's owner).
    pub fn seen_now(&self, owner: String, now: i64) -> DbResult<()> {
        self.writer.call("record a visit", move |pool, rt| {
            rt.block_on(
                sqlx::query(
                    "INSERT INTO owners (owner, last_seen_at) VALUES ($1, $2) ON CONFLICT (owner) DO UPDATE SET last_seen_at = excluded.last_seen_at",
                )
                .bind(owner)
                .bind(now)
                .execute(pool),
            )
            .map(|_| ())
        })
    }

    /// Finished trainings of anonymous owners (no account) last seen before `cutoff`: the
    /// work that has expired. Queued and running ones are never listed.
    pub fn expired_anonymous_work(&self, cutoff: i64) -> DbResult<Vec<String>> {
        self.read("find expired anonymous work", move |pool, rt| {
            rt.block_on(
                sqlx::query_scalar(
                    "SELECT s.id FROM sessions s JOIN owners o ON o.owner = s.owner
                     WHERE o.last_seen_at < $1 AND s.status NOT IN ('queued', 'running')
                       AND s.owner NOT IN (SELECT owner FROM accounts)
                     ORDER BY s.created_at",
                )
                .bind(cutoff)
                .fetch_all(pool),
            )
        })
    }

    /// Uploads of anonymous owners last seen before `cutoff` that no training refers to are
    /// removed by the orphan sweep; this forgets the owners whose work is all gone.
    pub fn forget_idle_owners(&self, cutoff: i64) -> DbResult<u64> {
        self.writer.call("forget idle owners", move |pool, rt| {
            rt.block_on(
                sqlx::query(
                    "DELETE FROM owners WHERE last_seen_at < $1
                       AND owner NOT IN (SELECT owner FROM sessions WHERE owner IS NOT NULL)
                       AND owner NOT IN (SELECT owner FROM uploads WHERE owner IS NOT NULL)",
                )
                .bind(cutoff)
                .execute(pool),
            )
            .map(|r| r.rows_affected())
        })
    }
}
